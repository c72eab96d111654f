using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Server.Api;
using Switchyard.Server.Configuration;
using Switchyard.Server.Events;
using Switchyard.Server.Execution;
using Switchyard.Server.Expressions;
using Switchyard.Server.FlowControl;
using Switchyard.Server.Registry;
using Switchyard.Server.Runs;
using Switchyard.Server.Scheduling;
using Switchyard.Server.Storage;
using Switchyard.Server.Storage.Sqlite;
using Switchyard.Server.Triggers;
using Switchyard.Server.Tracing;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Server.Telemetry;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server;

/// <summary>Composes the bus server: store, registry, engine and HTTP endpoints, on Kestrel.</summary>
public static class SwitchyardServer
{
    /// <summary>Builds the server for <paramref name="options"/>. Call <see cref="StartAsync"/> to initialize the
    /// store and start listening. <paramref name="configureServices"/> runs after the built-in registrations, e.g.
    /// to add an <see cref="IWebhookProvider"/>.</summary>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? configureLogging = null, Action<IServiceCollection>? configureServices = null)
    {
        var problems = options.SecurityProblems();
        if (problems.Count > 0)
            throw new InvalidOperationException("refusing to start outside dev mode without security settings:\n  - " + string.Join("\n  - ", problems) + "\n(or run with --dev for local development)");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = options.Dev ? "Development" : "Production" });
        builder.Logging.ClearProviders();
        if (configureLogging is not null) configureLogging(builder.Logging);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning)
            // A failed start (port in use, …) is reported by the caller in one line; the host's stack trace is noise.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, 16 * 1024 * 1024) + 1;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var s = builder.Services;
        s.AddSingleton(options);
        if (options.UsesPostgres)
        {
            s.AddSingleton<IStore>(sp => new Storage.Postgres.PostgresStore(options.Store, sp.GetRequiredService<ILogger<Storage.Postgres.PostgresStore>>()));
            s.AddSingleton<PostgresScheduler>();
            s.AddSingleton<IWorkScheduler>(sp => sp.GetRequiredService<PostgresScheduler>());
            s.AddHostedService(sp => sp.GetRequiredService<PostgresScheduler>());
            s.AddHostedService<RegistryRefresh>();
        }
        else
        {
            s.AddSingleton<IStore>(sp => new SqliteStore(options.SqlitePath, sp.GetRequiredService<ILogger<SqliteStore>>()));
            s.AddSingleton<LocalScheduler>();
            s.AddSingleton<IWorkScheduler>(sp => sp.GetRequiredService<LocalScheduler>());
            s.AddHostedService(sp => sp.GetRequiredService<LocalScheduler>());
        }
        s.AddHttpClient("apps", c => c.Timeout = options.CallTimeout + TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 1024 });
        s.AddSingleton<ExpressionEvaluator>();
        s.AddSingleton<FunctionRegistry>();
        s.AddSingleton<TriggerMatcher>();
        s.AddSingleton<AppRegistration>();
        s.AddSingleton<AppSync>();
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            s.AddSingleton<Scaling.RedisBus>();
            s.AddHostedService(sp => sp.GetRequiredService<Scaling.RedisBus>());
            s.AddSingleton(sp => new WorkQueue(sp.GetRequiredService<IWorkScheduler>(), sp.GetRequiredService<Scaling.RedisBus>()));
        }
        else s.AddSingleton(sp => new WorkQueue(sp.GetRequiredService<IWorkScheduler>()));
        s.AddSingleton<RunStarter>();
        s.AddSingleton<FlowKeys>();
        s.AddSingleton<RunAdmission>();
        s.AddSingleton<RunAdvancer>();
        s.AddSingleton<EventIngest>();
        s.AddSingleton<RunFinisher>();
        s.AddSingleton<RunCanceller>();
        s.AddSingleton<RunReplayer>();
        s.AddSingleton<RunCompletions>();
        s.AddSingleton<RunInvoker>();
        s.AddSingleton<Insight.WhyExplainer>();
        s.AddSingleton<Insight.TraceBuilder>();
        s.AddSingleton<Insight.StatusReport>();
        s.AddSingleton<Insight.TopologyBuilder>();
        s.AddSingleton<WaitResolver>();
        s.AddSingleton<RetryPolicy>();
        s.AddSingleton<AppClient>();
        s.AddSingleton<ResponseApplier>();
        s.AddSingleton<Executor>();
        s.AddHostedService<AppResync>();
        s.AddWebhooks(options.Webhooks);
        s.AddTelemetry();
        s.AddSingleton<CronTicker>();
        s.AddHostedService(sp => sp.GetRequiredService<CronTicker>());
        // The API's description at /openapi/v1.json, from the routes' typed response metadata (Api/ApiMetadata).
        s.AddOpenApi();
        configureServices?.Invoke(s);

        var otlp = options.EffectiveOtlpEndpoint;
        var telemetry = s.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("switchyard-server", serviceVersion: "0.1.0"))
            .WithMetrics(m => m.AddMeter(SwitchyardDiagnostics.Name).AddPrometheusExporter());
        if (otlp is not null) AddOtlpExport(telemetry, otlp);

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        WireTraceTelemetry(app.Services);
        app.MapEventApi();
        app.MapRegisterApi();
        app.MapRestApi();
        app.MapWebhookApi();
        app.MapTelemetryApi();
        app.MapKvApi();
        app.MapOpenApi();
        app.MapFallback(() => new ApiError(StatusCodes.Status404NotFound, "not_found", "no such endpoint; see /v1/ and /e/{eventKey}").ToResult());
        return app;
    }

    /// <summary>Initializes the store and registry, then starts listening. Events are accepted only after this
    /// returns, so <c>/health</c> answering means the server accepts events.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var store = app.Services.GetRequiredService<IStore>();
        await store.InitializeAsync(cancellationToken);
        await app.Services.GetRequiredService<FunctionRegistry>().ReloadAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
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
        var sink = services.GetRequiredService<Telemetry.TelemetrySink>();
        services.GetRequiredService<Insight.TraceBuilder>().Telemetry = async (eventId, runId, ct) =>
        {
            await sink.FlushAsync(ct);
            var records = await store.Reader.TelemetryForAsync(eventId is null ? [] : [eventId], runId is null ? [] : [runId], 50, ct);
            return new System.Text.Json.Nodes.JsonArray(records.Where(r => runId is not null || r.RunId is null)
                .Select(r => (System.Text.Json.Nodes.JsonNode)r.ToJson()).ToArray());
        };
    }

    /// <summary>The addresses the server listens on (resolves port 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
