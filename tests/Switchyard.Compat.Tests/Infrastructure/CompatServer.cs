using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Switchyard.Server;
using Switchyard.Configuration;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>A real Switchyard server, in-process on a loopback port with its own SQLite file, plus a REST client
/// that presents the API token outside dev mode.</summary>
public sealed class CompatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private CompatServer(WebApplication app, ServerOptions options, string dataDir)
    {
        _app = app;
        _dataDir = dataDir;
        Options = options;
        Url = new Uri(SwitchyardServer.Addresses(app).First());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        if (!options.Dev) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiToken);
    }

    public ServerOptions Options { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }

    /// <summary>The key events are sent with (any key in dev mode).</summary>
    public string EventKey => Options.Dev ? "dev" : Options.EventKeyList[0];

    public static async Task<CompatServer> StartAsync(Action<ServerOptions> configure)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "switchyard-compat-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDir);
        var options = new ServerOptions
        {
            Port = 0, DataDir = dataDir, Dev = true,
            // Short retries keep the suite fast; retry-after answers are still honoured (at least 1 s).
            RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(400),
            ResyncInterval = TimeSpan.Zero, CallTimeout = TimeSpan.FromSeconds(30),
        };
        configure(options);
        var app = SwitchyardServer.Build(options);
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        return new CompatServer(app, options, dataDir);
    }

    /// <summary>Asks the server to sync the app at <paramref name="serveUrl"/> (what <c>yard sync</c> does).</summary>
    public async Task SyncAsync(Uri serveUrl)
    {
        using var response = await Http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sync of {serveUrl} failed: {(int)response.StatusCode} {text}");
    }

    public async Task<string> SendAsync(string name, object data)
    {
        using var response = await Http.PostAsJsonAsync($"/e/{EventKey}", new { name, data });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        return body!["ids"]![0]!.GetValue<string>();
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned eventually.
        }
    }
}
