using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Telemetry;

/// <summary>Mirrors the transitions an operator searches for (a run started or ended, a step errored or failed, a
/// retry was scheduled) into the telemetry log, so <c>yard otel</c> shows them beside other components' events.
/// Ordinary progress (calls, completed steps, sleeps) stays in the run's history only.</summary>
public sealed class TelemetryMirror(TelemetrySink sink) : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        switch (entry.Kind)
        {
            case HistoryKind.RunCompleted or HistoryKind.RunFailed or HistoryKind.RunCancelled:
                // One record per ending, whatever replays: the id is the run's and the kind's.
                sink.RunHistory(tx, run, entry, id: $"{run.Id}:{entry.Kind.ToWire()}");
                break;
            case HistoryKind.RunStarted or HistoryKind.StepErrored or HistoryKind.StepFailed or HistoryKind.RetryScheduled:
                sink.RunHistory(tx, run, entry);
                break;
        }
    }
}
