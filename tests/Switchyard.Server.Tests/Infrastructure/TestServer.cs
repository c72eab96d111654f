using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Server;
using Switchyard.Configuration;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>A real bus server on a loopback port with its own SQLite file, started in-process.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, ServerOptions options, string dataDir)
    {
        _app = app;
        Options = options;
        DataDir = dataDir;
        Url = new Uri(SwitchyardServer.Addresses(app).First());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ServerOptions Options { get; }
    public string DataDir { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null, string? dataDir = null)
    {
        dataDir ??= TempDir.Create();
        var options = new ServerOptions
        {
            Port = 0, DataDir = dataDir, Dev = true, RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            ResyncInterval = TimeSpan.Zero, CallTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        var app = SwitchyardServer.Build(options);
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        return new TestServer(app, options, dataDir);
    }

    public async Task<IReadOnlyList<string>> SendAsync(object events, string key = "test")
    {
        using var response = await Http.PostAsJsonAsync($"/e/{key}", events);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        return body!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Polls a run until it reaches a terminal state.</summary>
    public async Task<JsonObject> WaitForRunAsync(string runId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var run = await GetAsync($"/v1/runs/{runId}");
            var status = run["run"]!["status"]!.GetValue<string>();
            if (status is "Completed" or "Failed" or "Cancelled") return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId} still {status}: {run.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls until the event has started at least <paramref name="count"/> runs, and returns them.</summary>
    public async Task<JsonArray> WaitForRunsOfEventAsync(string eventId, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var e = await GetAsync($"/v1/events/{eventId}");
            var runs = e["runs"]!.AsArray();
            if (runs.Count >= count) return runs;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"event {eventId} has {runs.Count} runs");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
