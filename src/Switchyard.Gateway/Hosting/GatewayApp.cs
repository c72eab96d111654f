using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Switchyard.Client;
using Switchyard.Client.Hosting;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Delivery;
using Switchyard.Gateway.Inbound;
using Switchyard.Gateway.State;
using Switchyard.Gateway.Stream;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Hosting;

/// <summary>Builds the gateway host: the SDK app (id <c>gateway</c>) serving the delivery and digest functions at
/// <c>/api/switchyard</c>, the channels and Telegram pollers, the digest flusher, the stream (<c>GET /stream</c>),
/// <c>GET /health</c>, the control endpoints and Slack's inbound endpoints. Logs go to stderr so stdout stays free
/// for the CLI's envelope.</summary>
public static class GatewayApp
{
    /// <summary>Builds (does not start) the gateway. Its shared state goes to Redis when <see cref="GatewayConfig.RedisUrl"/> is
    /// set, else to the bus store (<see cref="BusGatewayState"/>), or stays in memory with <c>state = "memory"</c>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="configure">Adjusts the builder (tests quiet the logs).</param>
    /// <exception cref="InvalidDataException">The configuration would open the stream and the control routes to other
    /// hosts (no <c>control_token</c> on a non-loopback <c>host</c> outside dev mode), or names a bad host.</exception>
    public static WebApplication Build(GatewayConfig config, Action<WebApplicationBuilder>? configure = null)
    {
        ControlAccess.CheckStartup(config);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Switchyard.Gateway" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(k => Listen(k, config.Host, config.Port));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(config);
        // Every time the gateway reads (sleep and session expiry, uptime, stamps, Slack's timestamp window) and the bus
        // watcher's backoff and digest flusher's tick come from it; tests put a fake clock in through configure.
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(builder.Services, TimeProvider.System);
        // Built from the container (not before it) so the state sees the clock a test registers.
        builder.Services.AddSingleton<IGatewayState>(sp => CreateState(config, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<GatewayInstance>();
        builder.Services.AddHttpClient();
        builder.Services.AddHttpClient(BusClientName, h => h.Timeout = TimeSpan.FromSeconds(30));
        // The gateway's calls to the server besides the SDK's own: REST (stream topics), sync, telemetry.
        builder.Services.AddSingleton(sp => new Client.SwitchyardClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(BusClientName), BusOptions(config)));
        builder.Services.AddSingleton<GatewayTelemetry>();
        builder.Services.AddSingleton<ChannelDirectory>();
        builder.Services.AddSingleton<DeliveryRouter>();
        builder.Services.AddSingleton<DeliverySender>();
        builder.Services.AddSingleton<DeliveryReporter>();
        builder.Services.AddSingleton<InboundRelay>();
        builder.Services.AddSingleton<SlackInbound>();
        builder.Services.AddSingleton<StreamEndpoint>();
        builder.Services.AddSingleton<GatewayControl>();
        builder.Services.AddSingleton<ControlAccess>();
        AddHosted<StreamHub>(builder.Services);
        AddHosted<DigestFlusher>(builder.Services);
        AddHosted<BusWatcher>(builder.Services);
        AddHosted<TelegramPoller>(builder.Services);
        builder.Services.AddSwitchyard(o =>
            {
                o.AppId = config.AppId;
                o.ServerUrl = config.ServerUrl;
                o.EventKey = config.EventKey;
                o.SigningKey = config.SigningKey;
                o.ServeOrigin = config.PublicUrl;
                // The SDK registers the gateway once it listens (public_url, else the bound address), retrying until
                // the server answers.
                o.SyncOnStart = true;
            })
            .AddFunction<DeliverFunction>()
            .AddFunction<DigestFunction>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapSwitchyard();
        Map(app, config);
        if (config.ControlToken is null)
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
                "no gateway.control_token: /stream and the control routes serve this host only (loopback, no web pages); set control_token to serve other hosts"));
        // Stopping releases the leases at once rather than when the host is disposed (disposing twice is harmless).
        app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<IGatewayState>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    private static IGatewayState CreateState(GatewayConfig config, TimeProvider time) => config.StateKind switch
    {
        "redis" => RedisGatewayState.ConnectAsync(config.RedisUrl!, config.RedisPrefix, time).GetAwaiter().GetResult(),
        "memory" => new MemoryGatewayState(config.StateDir, time),
        _ => new BusGatewayState(config, time: time),
    };

    private const string BusClientName = "gateway-bus";

    /// <summary>The bus client settings of <paramref name="config"/>: server, API token, telemetry token.</summary>
    internal static SwitchyardClientOptions BusOptions(GatewayConfig config) =>
        new() { ServerUrl = config.ServerUrl, ApiToken = config.ApiToken, TelemetryToken = config.TelemetryToken, EventKey = config.EventKey ?? "dev" };

    /// <summary>The addresses the gateway listens on (after start).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) => app.Urls.ToList();

    private static void AddHosted<T>(IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    private static void Map(WebApplication app, GatewayConfig config)
    {
        app.MapGet("/health", async (GatewayControl control, CancellationToken ct) => Results.Json(await control.HealthAsync(ct)));
        var access = app.Services.GetRequiredService<ControlAccess>();
        var control = app.MapGroup("").AddEndpointFilter(async (context, next) => access.Refusal(context.HttpContext) ?? await next(context));
        control.MapGet("/stream", (HttpContext http, StreamEndpoint stream) => stream.HandleAsync(http));
        control.MapGet("/channels", async (GatewayControl c, CancellationToken ct) => Results.Json(new JsonObject { ["channels"] = (await c.HealthAsync(ct))["channels"]!.DeepClone() }));
        control.MapPost("/sleep", async (SleepRequest? request, GatewayControl c, CancellationToken ct) =>
        {
            var duration = Switchyard.Configuration.ConfigDuration.TryParse(request?.For);
            if (duration is not { } d || d <= TimeSpan.Zero)
                return Results.Json(new { error = new { code = "invalid_duration", message = "for must be a positive duration such as 8h, 30m or 90s" } }, statusCode: 400);
            return Results.Json(await c.SleepAsync(d, ct));
        });
        control.MapPost("/wake", async (GatewayControl c, CancellationToken ct) => Results.Json(await c.WakeAsync(ct)));
        control.MapPost("/channels/{name}/mute", async (string name, MuteRequest? request, GatewayControl c, CancellationToken ct) =>
            await c.MuteAsync(name, request?.Reason, ct) is { } r ? Results.Json(r) : UnknownChannel(name));
        control.MapPost("/channels/{name}/unmute", async (string name, GatewayControl c, CancellationToken ct) =>
            await c.UnmuteAsync(name, ct) is { } r ? Results.Json(r) : UnknownChannel(name));
        app.MapPost("/slack/{channel}/events", (string channel, HttpContext http, SlackInbound slack) => slack.EventsAsync(channel, http));
        app.MapPost("/slack/{channel}/interactions", (string channel, HttpContext http, SlackInbound slack) => slack.InteractionsAsync(channel, http));
    }

    private static IResult UnknownChannel(string name) =>
        Results.Json(new { error = new { code = "unknown_channel", message = $"no channel '{name}' is configured" } }, statusCode: 404);

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, string host, int port)
    {
        if (host is "localhost" && port != 0) k.ListenLocalhost(port);
        else if (host is "localhost") k.Listen(IPAddress.Loopback, 0);
        else if (host is "*" or "+") k.ListenAnyIP(port);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) k.Listen(ip, port);
        else throw new InvalidDataException($"gateway.host '{host}' must be an IP address, localhost or *");
    }

    private sealed record SleepRequest(string? For);

    private sealed record MuteRequest(string? Reason);
}
