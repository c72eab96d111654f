using Switchyard.Supervisor.Telemetry;

namespace Switchyard.Supervisor.Hosting;

/// <summary>What the host injects into supervision besides the configuration file: the clock, where <c>/proc</c> is,
/// the polling cadence of a starting child, and an observer of every event (tests use these to run fast and to
/// watch transitions without a server).</summary>
public sealed record SupervisorOptions
{
    /// <summary>The clock for timestamps, uptimes and every wait.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Root of the proc filesystem.</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>How often a child that has not yet answered its liveness URL is probed (capped by its health interval).</summary>
    public TimeSpan StartupProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called synchronously for every event, after it is logged.</summary>
    public Action<SupervisorEvent>? OnEvent { get; init; }
}
