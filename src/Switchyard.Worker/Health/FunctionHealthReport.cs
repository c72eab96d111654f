namespace Switchyard.Worker.Health;

/// <summary>What the function-health check found; the data of <c>switchyard/health.report</c> and the run's output.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> when anything below is listed.</param>
/// <param name="App">The app id of the worker that checked.</param>
/// <param name="CheckedAt">Unix ms.</param>
/// <param name="Registered">Function ids registered with the server (conflicting copies once).</param>
/// <param name="Expected">Function ids the check expected.</param>
/// <param name="Missing">Expected functions not registered, or registered but owned by another app.</param>
/// <param name="Conflicts">Function ids registered by more than one app, with the owner runs go to.</param>
/// <param name="StaleCrons">Crons whose last successful run is older than twice their cadence.</param>
internal sealed record FunctionHealthReport(
    string Status,
    string App,
    long CheckedAt,
    IReadOnlyList<string> Registered,
    IReadOnlyList<string> Expected,
    IReadOnlyList<MissingFunction> Missing,
    IReadOnlyList<FunctionConflict> Conflicts,
    IReadOnlyList<StaleCron> StaleCrons);
