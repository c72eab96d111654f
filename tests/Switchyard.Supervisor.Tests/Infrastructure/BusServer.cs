using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Switchyard.Server;
using Switchyard.Configuration;

namespace Switchyard.Supervisor.Tests.Infrastructure;

/// <summary>The real bus server (dev mode, SQLite in a temp dir) on a free loopback port: it receives the
/// supervisor's telemetry at <c>POST /observability/emit</c>.</summary>
public sealed class BusServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BusServer(WebApplication app)
    {
        _app = app;
        Url = new Uri(SwitchyardServer.Addresses(app).First());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }
    public HttpClient Http { get; }

    public static async Task<BusServer> StartAsync()
    {
        var options = new ServerOptions { Port = 0, DataDir = TempDir.Create(), Dev = true, ResyncInterval = TimeSpan.Zero };
        var app = SwitchyardServer.Build(options, logging => logging.ClearProviders());
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        return new BusServer(app);
    }

    /// <summary>The stored telemetry of source <c>supervisor</c>, newest first.</summary>
    public async Task<IReadOnlyList<JsonObject>> SupervisorEventsAsync()
    {
        var body = JsonNode.Parse(await Http.GetStringAsync("/v1/otel/list?source=supervisor&count=500"))!;
        return body["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
