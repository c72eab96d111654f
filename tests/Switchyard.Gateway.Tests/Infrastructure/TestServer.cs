using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Switchyard.Server;
using Switchyard.Configuration;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A real bus server on a loopback port with its own SQLite file, started in-process.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app)
    {
        _app = app;
        Url = new Uri(SwitchyardServer.Addresses(app).First());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Url { get; }
    public HttpClient Http { get; }

    public static async Task<TestServer> StartAsync()
    {
        var options = new ServerOptions
        {
            Port = 0, DataDir = TempDir.Create(), Dev = true, RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(300),
            ResyncInterval = TimeSpan.Zero, CallTimeout = TimeSpan.FromSeconds(30),
        };
        var app = SwitchyardServer.Build(options);
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        return new TestServer(app);
    }

    public async Task<string> SendAsync(object @event)
    {
        using var response = await Http.PostAsJsonAsync("/e/test", @event);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        return body!["ids"]![0]!.GetValue<string>();
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Stored events whose name starts with <paramref name="prefix"/>, newest first.</summary>
    public async Task<IReadOnlyList<JsonObject>> EventsAsync(string prefix) =>
        (await GetAsync($"/v1/events?prefix={Uri.EscapeDataString(prefix)}&count=500"))["events"]!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>Waits for an event named <paramref name="prefix"/>… whose data.correlationId is <paramref name="correlationId"/>.</summary>
    public Task<JsonObject> WaitForReceiptAsync(string correlationId, string prefix = "gateway/delivery.", TimeSpan? timeout = null) =>
        Eventually.GetAsync(async () => (await EventsAsync(prefix)).FirstOrDefault(e => e["data"]?["correlationId"]?.GetValue<string>() == correlationId),
            $"{prefix}* for {correlationId}", timeout);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
