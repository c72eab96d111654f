namespace Switchyard.Supervisor.Supervision;

/// <summary>Where a service is in its supervision loop:
/// <c>Pending → Preflight → (Blocked) → Starting → Healthy ⇄ Unhealthy → Stopping → Restarting → Preflight …</c>,
/// and <c>Stopped</c> once the supervisor shuts down. A service without a liveness URL is <c>Running</c> instead of
/// Starting/Healthy.</summary>
public enum ServiceState
{
    /// <summary>Not started yet.</summary>
    Pending,
    /// <summary>Stopping the previous supervisor's orphaned child (from the pid file).</summary>
    Reclaiming,
    /// <summary>Running the preflight command.</summary>
    Preflight,
    /// <summary>The port is held by a process that is not ours (or the service belongs to another live supervisor): waiting, never killing it.</summary>
    Blocked,
    /// <summary>Spawned; its liveness URL has not answered yet.</summary>
    Starting,
    /// <summary>The last liveness check passed.</summary>
    Healthy,
    /// <summary>Spawned, with no liveness URL to check.</summary>
    Running,
    /// <summary>Liveness checks are failing, fewer times than the restart threshold.</summary>
    Unhealthy,
    /// <summary>SIGTERM sent; SIGKILL follows after the stop timeout.</summary>
    Stopping,
    /// <summary>Waiting out the restart backoff.</summary>
    Restarting,
    /// <summary>The supervisor has shut down; no child is left.</summary>
    Stopped,
}
