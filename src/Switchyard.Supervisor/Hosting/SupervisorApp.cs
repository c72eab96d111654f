using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Telemetry;

namespace Switchyard.Supervisor.Hosting;

/// <summary>Builds the supervisor host: one <see cref="SupervisorService"/> plus the status endpoint
/// (<c>GET /status</c>, <c>GET /health</c>) on Kestrel. Logs go to stderr, one line each, so stdout stays free for
/// the CLI's single JSON envelope.</summary>
public static class SupervisorApp
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds (does not start) the host. <paramref name="configure"/> may adjust the builder (tests quiet the logs).</summary>
    public static WebApplication Build(SupervisorConfig config, SupervisorOptions? options = null, Action<WebApplicationBuilder>? configure = null)
    {
        options ??= new SupervisorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Switchyard.Supervisor" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.IncludeScopes = false;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // A failed start (status port taken) is reported by the caller in one line, not as a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(k => Listen(k, config.StatusHost, config.StatusPort));

        var slowestStop = config.Services.Select(s => s.StopTimeout).DefaultIfEmpty(TimeSpan.FromSeconds(5)).Max();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = slowestStop + slowestStop + config.TelemetryTimeout + TimeSpan.FromSeconds(10));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SupervisorTelemetry>();
        builder.Services.AddSingleton<SupervisorService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SupervisorService>());
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/status", (SupervisorService s) => Results.Json(s.Status(), Json));
        app.MapGet("/health", (SupervisorService s) =>
        {
            var status = s.Status();
            return Results.Json(new
            {
                status = "ok",
                services = status.Services.Count,
                healthy = status.Services.Count(x => x.State is "Healthy" or "Running"),
                overall = status.Status,
                uptimeSeconds = status.UptimeSeconds,
            }, Json);
        });
        return app;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, string host, int port)
    {
        if (host is "localhost" && port != 0) k.ListenLocalhost(port);
        else if (host is "localhost") k.Listen(IPAddress.Loopback, 0);
        else if (host is "*" or "+") k.ListenAnyIP(port);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) k.Listen(ip, port);
        else throw new InvalidDataException($"supervisor.status_host '{host}' must be an IP address, localhost or *");
    }
}
