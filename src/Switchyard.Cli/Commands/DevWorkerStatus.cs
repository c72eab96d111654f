using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchyard.Engine.Insight;
using Switchyard.Protocol;
using Switchyard.Worker;

namespace Switchyard.Cli.Commands;

/// <summary>The <c>yard status</c> line of one worker that <c>yard dev --roles</c> runs in its own process. Outside dev a
/// supervisor shows each worker's state, pid, uptime and restarts (<c>yard supervise status</c>); dev runs no
/// supervisor, so the server reports the same state for the workers it hosts. Registered before the server is built
/// (the roles are known from the command line) and attached once the worker has started and tried its sync.</summary>
internal sealed class DevWorkerStatus(string role, TimeProvider time) : IComponentStatusSource
{
    private volatile Attached? _worker;

    private sealed record Attached(WorkerApp App, IHostApplicationLifetime Lifetime, bool Synced, string SyncMessage, DateTimeOffset StartedAt);

    /// <summary>The role this line is about.</summary>
    public string Role => role;

    /// <summary>Records the started worker and how its first sync went.</summary>
    public void Attach(WorkerApp app, bool synced, string syncMessage) =>
        _worker = new Attached(app, app.Services.GetRequiredService<IHostApplicationLifetime>(), synced, syncMessage, time.GetUtcNow());

    /// <inheritdoc />
    public ComponentStatus Status()
    {
        var component = $"worker {role}";
        if (_worker is not { } w)
            return new ComponentStatus(component, "down", "not started yet by yard dev", "wait for yard dev to finish starting; its banner lists the workers");
        var up = TimeString.Format(time.GetUtcNow() - w.StartedAt);
        var detail = $"{w.App.AppId} running in-process in yard dev (pid {Environment.ProcessId}, port {w.App.ServeUrl.Port}), "
            + $"up {up}, serving {w.App.ServeUrl.ToString().TrimEnd('/')}, liveness {w.App.HealthUrl}; {w.App.FunctionIds.Count} function(s): {string.Join(", ", w.App.FunctionIds)}"
            + (w.App.Options.AllowShell ? "; shell allowed (dev mode)" : "");
        if (w.Lifetime.ApplicationStopping.IsCancellationRequested)
            return new ComponentStatus(component, "down", detail.Replace(" running ", " stopped ", StringComparison.Ordinal), "restart yard dev: in dev the workers live and die with the server process");
        return w.Synced
            ? new ComponentStatus(component, "ok", detail + "; synced at start", null)
            : new ComponentStatus(component, "degraded", $"{detail}; its sync at start failed: {w.SyncMessage}", $"yard sync {w.App.ServeUrl}");
    }
}
