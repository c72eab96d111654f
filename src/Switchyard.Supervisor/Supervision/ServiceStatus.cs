namespace Switchyard.Supervisor.Supervision;

/// <summary>One service as <c>GET /status</c> shows it.</summary>
/// <param name="Name">The service name.</param>
/// <param name="State">Its <see cref="ServiceState"/>, as text.</param>
/// <param name="Pid">The running child's pid.</param>
/// <param name="StartedAt">When the running child was spawned.</param>
/// <param name="UptimeSeconds">How long the running child has been up.</param>
/// <param name="Restarts">Spawns after the first.</param>
/// <param name="ConsecutiveFailures">Failed liveness checks in a row.</param>
/// <param name="LastFailure">The most recent failure.</param>
/// <param name="NextRestartAt">When the next attempt starts, while waiting (backoff, or a held port).</param>
/// <param name="BackoffSeconds">The delay before the next restart after a failure.</param>
/// <param name="LastExitCode">The previous child's exit code (128 + N when killed by signal N).</param>
/// <param name="LastHealthyAt">The last passed liveness check.</param>
/// <param name="Port">The configured port.</param>
/// <param name="LivenessUrl">The configured liveness URL.</param>
/// <param name="Command">The command line.</param>
/// <param name="StdoutLog">The child's stdout log file.</param>
/// <param name="StderrLog">The child's stderr log file (with preflight output and the supervisor's notes).</param>
public sealed record ServiceStatus(
    string Name,
    string State,
    int? Pid,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    int Restarts,
    int ConsecutiveFailures,
    ServiceFailure? LastFailure,
    DateTimeOffset? NextRestartAt,
    double BackoffSeconds,
    int? LastExitCode,
    DateTimeOffset? LastHealthyAt,
    int? Port,
    string? LivenessUrl,
    string Command,
    string StdoutLog,
    string StderrLog);
