using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Server;

namespace Switchyard.Testing;

/// <summary>A real Switchyard server, started in-process with <see cref="SwitchyardServer"/> on a loopback port with
/// its own SQLite directory, plus a REST client. The client sends no API token, so tests can assert what is refused
/// without one; <see cref="UseApiToken"/> makes it present the token.</summary>
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

    /// <summary>The options the server runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The server's data directory.</summary>
    public string DataDir { get; }

    /// <summary>The server's base URL.</summary>
    public Uri Url { get; }

    /// <summary>A client for the server's REST API (without a token until <see cref="UseApiToken"/>).</summary>
    public HttpClient Http { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The key events are sent with by default (any key is accepted in dev mode).</summary>
    public string EventKey => Options.Dev ? "test" : Options.EventKeyList[0];

    /// <summary>Starts a server in dev mode on a free port. Retries are short so failing steps retry within a test's
    /// patience; <paramref name="configure"/> may change any option.</summary>
    /// <param name="configure">Changes the options before the server is built.</param>
    /// <param name="dataDir">The data directory (a fresh temporary one when null), for tests that restart a server on the same store.</param>
    /// <param name="logging">Changes logging (for instance clears providers for tests that start many servers).</param>
    /// <param name="services">Changes services after the built-in registrations (for instance puts in a fake clock).</param>
    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null, string? dataDir = null, Action<ILoggingBuilder>? logging = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        dataDir ??= TempDir.Create();
        var options = new ServerOptions
        {
            Port = 0, DataDir = dataDir, Dev = true, RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            ResyncInterval = TimeSpan.Zero, CallTimeout = TimeSpan.FromSeconds(30),
            // Tests end with calls still hanging in their apps; waiting for them would only slow every dispose. The
            // shutdown tests set a grace of their own.
            ShutdownGrace = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var app = SwitchyardServer.Build(options, logging, services);
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        return new TestServer(app, options, dataDir);
    }

    /// <summary>Makes <see cref="Http"/> present the API token, outside dev mode (in dev mode none is needed).</summary>
    public TestServer UseApiToken()
    {
        if (!Options.Dev) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiToken);
        return this;
    }

    /// <summary>Sends one event or an array of events and returns their ids.</summary>
    /// <param name="events">An event object or an array of them.</param>
    /// <param name="key">The event key (<see cref="EventKey"/> when null).</param>
    public async Task<IReadOnlyList<string>> SendAsync(object events, string? key = null)
    {
        using var response = await Http.PostAsJsonAsync($"/e/{key ?? EventKey}", events);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        return body!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
    }

    /// <summary>Sends one event and returns its id.</summary>
    public async Task<string> SendOneAsync(object @event) => (await SendAsync(@event))[0];

    /// <summary>Sends an event named <paramref name="name"/> with <paramref name="data"/> and returns its id.</summary>
    public Task<string> SendEventAsync(string name, object data) => SendOneAsync(new { name, data });

    /// <summary>GETs a JSON object, asserting success.</summary>
    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asks the server to sync the app at <paramref name="serveUrl"/> (what <c>yard sync</c> does).</summary>
    public async Task SyncAsync(Uri serveUrl)
    {
        using var response = await Http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sync of {serveUrl} failed: {(int)response.StatusCode} {text}");
    }

    /// <summary>Stored events whose name starts with <paramref name="prefix"/>, newest first.</summary>
    public async Task<IReadOnlyList<JsonObject>> EventsAsync(string prefix) =>
        (await GetAsync($"/v1/events?prefix={Uri.EscapeDataString(prefix)}&count=500"))["events"]!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>Polls a run until it reaches a terminal state, and returns it.</summary>
    public Task<JsonObject> WaitForRunAsync(string runId, TimeSpan? timeout = null)
    {
        JsonObject? last = null;
        return Eventually.GetAsync(async () =>
        {
            last = await GetAsync($"/v1/runs/{runId}");
            return last["run"]!["status"]!.GetValue<string>() is "Completed" or "Failed" or "Cancelled" ? last : null;
        }, () => $"run {runId} to finish (last: {last?.ToJsonString()})", timeout, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Polls until the event has started at least <paramref name="count"/> runs, and returns them.</summary>
    public Task<JsonArray> WaitForRunsOfEventAsync(string eventId, int count = 1)
    {
        var started = 0;
        return Eventually.GetAsync(async () =>
        {
            var runs = (await GetAsync($"/v1/events/{eventId}"))["runs"]!.AsArray();
            started = runs.Count;
            return runs.Count >= count ? runs : null;
        }, () => $"event {eventId} to start {count} runs (it has {started})", interval: TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
