using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Processes;
using Switchyard.Supervisor.Supervision;
using Switchyard.Supervisor.Telemetry;

namespace Switchyard.Supervisor.Hosting;

/// <summary>Runs one supervision loop per configured service for the lifetime of the host. When the host stops
/// (SIGTERM, SIGINT, Ctrl-C) every loop stops its child gracefully before this returns, so none is left behind.</summary>
public sealed class SupervisorService : BackgroundService
{
    private readonly SupervisorConfig _config;
    private readonly SupervisorOptions _options;
    private readonly SupervisorTelemetry _telemetry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IServer _server;
    private readonly HttpClient _http;
    private readonly List<ServiceSupervisor> _services;
    private DateTimeOffset _startedAt;

    /// <summary>Creates the loops (nothing runs until the host starts).</summary>
    public SupervisorService(SupervisorConfig config, SupervisorOptions options, SupervisorTelemetry telemetry, IHostApplicationLifetime lifetime,
        IServer server, ILoggerFactory loggers)
    {
        _config = config;
        _options = options;
        _telemetry = telemetry;
        _lifetime = lifetime;
        _server = server;
        _startedAt = options.Time.GetUtcNow();
        // Short-lived pooled connections: a restarted child listens on a fresh socket behind the same URL.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(15) }) { Timeout = Timeout.InfiniteTimeSpan };
        var proc = new ProcFs(options.ProcRoot);
        _services = config.Services
            .Select(s => new ServiceSupervisor(s, config, telemetry, _http, proc, options, loggers.CreateLogger("supervise." + s.Name)))
            .ToList();
    }

    /// <summary>Where the status endpoint listens, once started.</summary>
    public string? StatusUrl => _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();

    /// <summary>The current state of the supervisor and every service.</summary>
    public SupervisorStatus Status()
    {
        var services = _services.Select(s => s.Snapshot()).ToList();
        var ok = services.All(s => s.State is nameof(ServiceState.Healthy) or nameof(ServiceState.Running));
        return new SupervisorStatus(ok ? "ok" : "degraded", Environment.ProcessId, _config.File, _startedAt,
            Math.Round((_options.Time.GetUtcNow() - _startedAt).TotalSeconds, 1),
            _config.ServerUrl is null ? null : new Uri(_config.ServerUrl, "/observability/emit").ToString(), _telemetry.Dropped, services,
            _telemetry.Recent().Select(e => e.ToJson()).ToList());
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Spawn nothing until the status endpoint is bound: a start that fails (port taken) must leave no child behind.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        _startedAt = _options.Time.GetUtcNow();
        _telemetry.Start();
        _telemetry.Emit("info", "supervisor", "supervisor.started", success: true, metadata: new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["config"] = _config.File,
            ["status"] = StatusUrl,
            ["services"] = new JsonArray(_config.Services.Select(s => (JsonNode?)s.Name).ToArray()),
        });
        await Task.WhenAll(_services.Select(s => Task.Run(() => s.RunAsync(stoppingToken), CancellationToken.None)));
        _telemetry.Emit("info", "supervisor", "supervisor.stopped", success: true, metadata: new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["uptimeMs"] = Math.Round((_options.Time.GetUtcNow() - _startedAt).TotalMilliseconds),
        });
        await _telemetry.CompleteAsync(_config.TelemetryTimeout);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var s in _services) s.Dispose();
        _http.Dispose();
        base.Dispose();
    }
}
