using System.Diagnostics;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Diagnostics;

/// <summary>Metrics and OpenTelemetry spans of runs, as a listener: a scheduled run counts towards
/// <c>switchyard.runs.started</c> and gets a span whose context is kept, so every call the run makes is its child and
/// one run is one subtree of its event's (or invoking parent's) trace; an ended run counts towards
/// <c>switchyard.runs.finished</c> (by function and status).</summary>
public sealed class RunSpans : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (entry.Kind is HistoryKind.RunCompleted or HistoryKind.RunFailed or HistoryKind.RunCancelled)
            SwitchyardDiagnostics.RunsFinished.Add(1, new KeyValuePair<string, object?>("function", run.FunctionId),
                new KeyValuePair<string, object?>("status", run.Status.ToString()));
        if (entry.Kind != HistoryKind.RunScheduled) return;
        SwitchyardDiagnostics.RunsStarted.Add(1, new KeyValuePair<string, object?>("function", run.FunctionId));
        if (!TraceContexts.Enabled) return;
        var parent = TraceContexts.Load(tx, run.ParentRunId is { } p ? "run:" + p : "event:" + run.EventId);
        using var span = SwitchyardDiagnostics.Source.StartActivity($"run {run.FunctionId}", ActivityKind.Internal, parent);
        if (span is null) return;
        span.SetTag("switchyard.run.id", run.Id).SetTag("switchyard.function.id", run.FunctionId).SetTag("switchyard.event.id", run.EventId);
        TraceContexts.Save(tx, "run:" + run.Id, span.Context);
        if (run.ParentRunId is null) TraceContexts.AddRunOfEvent(tx, run.EventId, run.Id);
    }
}
