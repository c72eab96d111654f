using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server;

/// <summary>The standalone bus server (<c>yard server</c>, <c>yard dev</c>): Kestrel with the same registrations and routes an
/// existing ASP.NET Core app gets from <see cref="SwitchyardServerExtensions.AddSwitchyardServer"/> and
/// <see cref="SwitchyardServerExtensions.MapSwitchyardServer"/>.</summary>
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
        // Dev mode turns off every token check; with an API token configured that is almost certainly a production
        // server started with SWITCHYARD_DEV=true by mistake, and it would run wide open (issue 21, finding 9).
        if (options.Dev && !string.IsNullOrWhiteSpace(options.ApiToken))
            throw new InvalidOperationException("refusing to start in dev mode with an API token configured: dev mode turns off every auth check, the API token included\n"
                + "run `yard server` without SWITCHYARD_DEV or --dev to use the token, or unset api_token / SWITCHYARD_API_TOKEN / --api-token for dev mode");

        // Switchyard's settings come from yard.toml and SWITCHYARD_* (ServerOptions), not appsettings.json: watching the
        // content root (the working directory, recursively) for changes to that file only costs inotify watches and
        // start-up time.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], EnvironmentName = options.Dev ? "Development" : "Production" });
        builder.Logging.ClearProviders();
        if (configureLogging is not null) configureLogging(builder.Logging);
        else
        {
            if (options.LogFormat == LogFormat.Json) builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
            else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Logging.SetMinimumLevel(options.LogLevel)
                // A failed start (port in use, …) is reported by the caller in one line; the host's stack trace is noise.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, 16 * 1024 * 1024) + 1;
            // A body trickled in slowly holds a connection and its buffers for as long as the sender likes.
            k.Limits.MinRequestBodyDataRate = options.MinBodyBytesPerSecond > 0 ? new MinDataRate(options.MinBodyBytesPerSecond, TimeSpan.FromSeconds(5)) : null;
            k.Limits.MaxConcurrentConnections = options.MaxConnections > 0 ? options.MaxConnections : null;
            k.Limits.MaxConcurrentUpgradedConnections = options.MaxUpgradedConnections > 0 ? options.MaxUpgradedConnections : null;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        // Calls in flight get shutdown_grace to finish (the schedulers' StopAsync); the 5 s beyond it are for cutting off
        // the rest, committing their next attempts and stopping the other services.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownGrace + ShutdownMargin);
        // Under systemd (deploy/systemd, Type=notify): sends READY=1 once hosted services (store migration) and Kestrel
        // have started, STOPPING=1 on SIGTERM, and switches console logs to the journald format with syslog priority
        // prefixes. Registered after logging so its formatter wins there. Outside systemd it does nothing.
        builder.Services.AddSystemd();
        // JSON is asked for explicitly, so it wins over the journald format too (journald keeps each line as the message).
        if (configureLogging is null && options.LogFormat == LogFormat.Json)
            builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.FormatterName = Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Json);

        builder.Services.AddSwitchyardServer(options);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapSwitchyardServer();
        return app;
    }

    /// <summary>What the host's shutdown timeout adds to <see cref="ServerOptions.ShutdownGrace"/>.</summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(5);

    /// <summary>Initializes the store and registry, then starts listening. Events are accepted only after this
    /// returns, so <c>/health</c> answering means the server accepts events.</summary>
    public static Task StartAsync(WebApplication app, CancellationToken cancellationToken) => app.StartAsync(cancellationToken);

    /// <summary>The addresses the server listens on (resolves port 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
