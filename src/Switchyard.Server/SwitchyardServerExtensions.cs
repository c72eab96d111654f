using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Configuration;
using Switchyard.Engine;
using Switchyard.Engine.Diagnostics;
using Switchyard.Engine.Insight;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;
using Switchyard.Server.Api;
using Switchyard.Server.Dashboard;
using Switchyard.Server.Scaling;
using Switchyard.Server.Webhooks;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Server;

/// <summary>Hosts Switchyard inside any ASP.NET Core app, the way Hangfire is added:
/// <c>builder.Services.AddSwitchyardServer(options)</c> then <c>app.MapSwitchyardServer()</c>. <c>yard server</c> uses
/// the same two calls.</summary>
public static class SwitchyardServerExtensions
{
    /// <summary>Adds the engine, the store named by <see cref="ServerOptions.Store"/> (SQLite by default, PostgreSQL for
    /// replicas), Redis relaying when configured, webhooks, telemetry and metrics. The store is created or migrated and
    /// the registry loaded when the host starts, before any other Switchyard service.</summary>
    public static IServiceCollection AddSwitchyardServer(this IServiceCollection s, ServerOptions options)
    {
        s.AddSingleton<ServerReadiness>();
        s.AddHostedService<ServerStartup>();
        // A body that minimal APIs cannot bind (not JSON, wrong shape, over a cap) throws, so that RequestGate answers
        // it with the error envelope instead of a bare status.
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        if (options.UsesPostgres) s.AddPostgresStore(options.Store);
        else s.AddSqliteStore(options.SqlitePath);
        s.AddSwitchyardEngine(options);
        s.AddWebhooks(options.Webhooks);
        s.AddHostedService<Replicas.ReplicaHeartbeat>();
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            s.AddSingleton<RedisBus>();
            s.AddHostedService(sp => sp.GetRequiredService<RedisBus>());
            s.AddSingleton<IComponentStatusSource>(sp => sp.GetRequiredService<RedisBus>());
            s.AddSingleton<ITopologyComponentSource>(sp => sp.GetRequiredService<RedisBus>());
        }

        // Answers embed stored values (each at most JsonLimits.MaxDepth deep) in envelopes and trees; the default
        // writer depth of 64 would fail on a trace of deep values.
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = Engine.Parsing.JsonLimits.AnswerMaxDepth);

        // The API's description at /openapi/v1.json, from the routes' typed response metadata (Api/ApiMetadata).
        s.AddOpenApi();
        // The web dashboard at /ui (Dashboard/README.md).
        s.AddDashboard();

        var telemetry = s.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("switchyard-server", serviceVersion: "0.1.0"))
            .WithMetrics(m => m.AddMeter(SwitchyardDiagnostics.Name).AddPrometheusExporter());
        if (options.EffectiveOtlpEndpoint is { } otlp) AddOtlpExport(telemetry, otlp);
        return s;
    }

    /// <summary>Maps every Switchyard endpoint: the Event API (<c>/e/{key}</c>), app registration (<c>/fn/register</c>),
    /// the REST API (<c>/v1/</c>), webhooks, telemetry ingest, kv, <c>/metrics</c>, the OpenAPI document
    /// (<c>/openapi/v1.json</c>), and a JSON 404 for the rest.</summary>
    public static WebApplication MapSwitchyardServer(this WebApplication app)
    {
        // Behind a trusted proxy the client is the forwarded one (webhook failure limits, logs); first, so every
        // later step sees it.
        if (TrustedProxies.Forwarding(app.Services.GetRequiredService<ServerOptions>()) is { } forwarding) app.UseForwardedHeaders(forwarding);
        // Before any endpoint binds its parameters: the API token, /v1 body limits and dev mode's browser guards.
        app.Use(RequestGate.InvokeAsync);
        // The counters name functions, apps and event rates: outside dev mode a scraper sends the API token, unless
        // metrics_open says otherwise (issue 21).
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (!app.Services.GetRequiredService<ServerOptions>().MetricsOpen) metrics.WithMetadata(ApiTokenRequired.Instance);
        WireTraceTelemetry(app.Services);
        app.MapEventApi();
        app.MapRegisterApi();
        app.MapCheckpointApi();
        app.MapRestApi();
        app.MapWebhookApi();
        app.MapTelemetryApi();
        app.MapKvApi();
        app.MapDagApi();
        app.MapQueueApi();
        app.MapFeedApi();
        app.MapDashboard(app.Services.GetRequiredService<ServerOptions>());
        app.MapRetentionApi();
        app.MapOpenApi();
        app.MapFallback(() => new ApiError(StatusCodes.Status404NotFound, "not_found", "no such endpoint; see /v1/ and /e/{eventKey}").ToResult());
        return app;
    }

    /// <summary>Sends metrics and traces to an OTLP collector. A method of its own so that the exporter's assembly is
    /// loaded only when an endpoint is configured.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddOtlpExport(OpenTelemetry.OpenTelemetryBuilder telemetry, string otlp)
    {
        telemetry.WithMetrics(m => m.AddOtlpExporter(o => { o.Endpoint = new Uri(otlp + "/v1/metrics"); o.Protocol = OtlpExportProtocol.HttpProtobuf; }));
        telemetry.WithTracing(t => t.AddSource(SwitchyardDiagnostics.Name).AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri(otlp + "/v1/traces");
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            // Spans of a run should show up within a second, not the exporter's default five.
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
        }));
    }

    /// <summary>Lets <c>yard trace</c> show telemetry: per run, and per event only what no run of it carries.</summary>
    private static void WireTraceTelemetry(IServiceProvider services)
    {
        var store = services.GetRequiredService<IStore>();
        var sink = services.GetRequiredService<TelemetrySink>();
        services.GetRequiredService<TraceBuilder>().Telemetry = async (eventId, runId, ct) =>
        {
            await sink.FlushAsync(ct);
            var records = await store.Reader.TelemetryForAsync(eventId is null ? [] : [eventId], runId is null ? [] : [runId], 50, ct);
            return new System.Text.Json.Nodes.JsonArray(records.Where(r => runId is not null || r.RunId is null)
                .Select(r => (System.Text.Json.Nodes.JsonNode)r.ToJson()).ToArray());
        };
    }

}
