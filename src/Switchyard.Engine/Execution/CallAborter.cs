using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Execution;

/// <summary>Aborts a run's in-flight app call once its cancellation commits, so that the SDK's step token fires
/// (<see cref="InFlightCalls"/>). After the commit: a cancellation that rolls back must not stop the call.</summary>
public sealed class CallAborter(InFlightCalls calls) : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (entry.Kind != HistoryKind.RunCancelled) return;
        var runId = run.Id;
        tx.OnCommitted(() => calls.Abort(runId));
    }
}
