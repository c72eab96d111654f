using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A real gateway in-process on a loopback port, configured from TOML like <c>yard gateway --config</c>,
/// registered with a <see cref="TestServer"/> before the test goes on.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private GatewayHost(WebApplication app, GatewayConfig config)
    {
        _app = app;
        Config = config;
        Url = new Uri(GatewayApp.Addresses(app).First());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public GatewayConfig Config { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a gateway. <paramref name="toml"/> holds the [channels.*] and [routes] tables;
    /// <paramref name="gatewayKeys"/> extra lines of the [gateway] table; <paramref name="configure"/> may replace
    /// services (a fake clock).</summary>
    public static async Task<GatewayHost> StartAsync(TestServer server, string toml, string gatewayKeys = "", string? stateDir = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        stateDir ??= TempDir.Create();
        var text = $"""
            [gateway]
            port = 0
            server_url = "{server.Url}"
            state_dir = "{stateDir}"
            send_retries = 2
            lease_ttl = "3s"
            digest_interval = "1h"
            watch_interval = "200ms"
            {gatewayKeys}

            {toml}
            """;
        var config = GatewayConfigLoader.Parse(text, stateDir);
        var app = GatewayApp.Build(config, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Switchyard", LogLevel.Error);
            configure?.Invoke(b);
        });
        await app.StartAsync();
        var synced = await app.Services.GetRequiredService<Switchyard.Sdk.SyncOnStartStatus>().Answered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(synced.Ok, synced.Message);
        return new GatewayHost(app, config);
    }

    public async Task<JsonObject> HealthAsync() => (await Http.GetFromJsonAsync<JsonObject>("/health"))!;

    public async Task<JsonObject> ChannelAsync(string name) =>
        (await HealthAsync())["channels"]!.AsArray().OfType<JsonObject>().Single(c => c["name"]!.GetValue<string>() == name);

    public async Task<JsonObject> PostAsync(string path, object? body = null)
    {
        using var response = await Http.PostAsJsonAsync(path, body ?? new { });
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {json?.ToJsonString()}");
        return json!;
    }

    /// <summary>Stops the gateway (its leases are released).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
    }
}
