using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Telemetry;

/// <summary>Mirrors the transitions an operator searches for (a run started or ended, a step errored or failed, a
/// retry was scheduled) into the telemetry log, so <c>yard otel</c> shows them beside other components' events.
/// Ordinary progress (calls, completed steps, sleeps) stays in the run's history only.</summary>
public sealed class TelemetryMirror(TelemetrySink sink) : IRunListener
{
    /// <summary>The telemetry action of a run ended by its <c>timeouts.start</c> or <c>timeouts.finish</c>.</summary>
    public const string TimedOutAction = "run.timed_out";

    // The error name RunFinisher gives a timed-out run (Telemetry cannot reference Runs: Runs is above it).
    private static bool TimedOut(string? detail) => detail is not null && detail.Contains("\"name\":\"RunTimedOut\"", StringComparison.Ordinal);

    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        switch (entry.Kind)
        {
            case HistoryKind.RunCompleted or HistoryKind.RunFailed or HistoryKind.RunCancelled:
                // One record per ending, whatever replays: the id is the run's and the kind's. A run its timeout
                // cancelled is recorded as run.timed_out, the action an operator searches for.
                var action = entry.Kind == HistoryKind.RunCancelled && TimedOut(entry.Detail) ? TimedOutAction : null;
                sink.RunHistory(tx, run, entry, id: $"{run.Id}:{action ?? entry.Kind.ToWire()}", action: action);
                break;
            case HistoryKind.RunStarted or HistoryKind.StepErrored or HistoryKind.StepFailed or HistoryKind.RetryScheduled:
                sink.RunHistory(tx, run, entry);
                break;
        }
    }
}
