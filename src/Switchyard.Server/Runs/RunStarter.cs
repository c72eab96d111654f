using Switchyard.Protocol.Steps;
using Switchyard.Server.Events;
using Switchyard.Server.Execution;
using Switchyard.Server.Registry;
using Switchyard.Server.Storage;
using Switchyard.Server.Tracing;
using System.Diagnostics;

namespace Switchyard.Server.Runs;

/// <summary>Creates a run inside the triggering event's transaction: the run row, its first history entry, the
/// first call on the queue, its cancel-on-event rules and its start timeout. An acknowledged event therefore always
/// has its runs.</summary>
public sealed class RunStarter(WorkQueue queue)
{
    /// <summary>Starts a run of <paramref name="fn"/> for the stored event <paramref name="ev"/>.</summary>
    public RunRecord Start(IStoreTransaction tx, StoredEvent ev, FunctionRecord fn, string reason, StartOptions? options = null)
    {
        options ??= new StartOptions();
        var run = new RunRecord(
            Id: options.RunId ?? NewId(), FunctionId: fn.Id, AppId: fn.AppId, EventId: ev.Id, EventSeq: ev.Seq, Status: RunStatus.Queued,
            CreatedAt: tx.Now, StartedAt: null, EndedAt: null, Output: null, Error: null, Version: -1, ForcePlan: false,
            Pending: [], ParentRunId: options.ParentRunId, ParentStep: options.ParentStep, Flow: options.Flow?.ToJson(), Batch: options.Batch);
        tx.InsertRun(run);
        tx.AppendHistory(new HistoryEntry(0, run.Id, tx.Now, HistoryKind.RunScheduled, null, null, null, 0, null,
            System.Text.Json.JsonSerializer.Serialize(new { eventId = ev.Id, eventName = ev.Name, reason, events = options.Batch?.Count })));
        queue.Enqueue(tx, new QueueItem(WorkQueue.NewId(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, options.DueAt ?? tx.Now));

        SwitchyardDiagnostics.RunsStarted.Add(1, new KeyValuePair<string, object?>("function", fn.Id));
        if (TraceContexts.Enabled)
        {
            // The run's span marks its creation; every call the run makes is its child, so one run is one subtree.
            var parent = TraceContexts.Load(tx, options.ParentRunId is { } p ? "run:" + p : "event:" + ev.Id);
            using var span = SwitchyardDiagnostics.Source.StartActivity($"run {fn.Id}", ActivityKind.Internal, parent);
            if (span is not null)
            {
                span.SetTag("switchyard.run.id", run.Id).SetTag("switchyard.function.id", fn.Id).SetTag("switchyard.event.id", ev.Id);
                TraceContexts.Save(tx, "run:" + run.Id, span.Context);
            }
        }

        var flow = fn.Flow;
        for (var i = 0; i < flow.Cancel.Count; i++)
        {
            var rule = flow.Cancel[i];
            var expires = tx.Now + (long)(rule.Timeout ?? TimeSpan.FromDays(366)).TotalMilliseconds;
            tx.InsertWait(new WaitRecord($"{run.Id}:cancel:{i}", run.Id, "", WaitKind.Cancel, rule.Event, rule.If, null, expires, tx.Now));
        }
        if (flow.StartTimeout is { } start)
            queue.Enqueue(tx, new QueueItem($"{run.Id}:timeout:start", run.Id, QueueItemKind.Timeout, "start", 0, tx.Now + (long)start.TotalMilliseconds));
        return run;
    }

    /// <summary>A new run id: a ULID, so ids sort by creation time.</summary>
    public static string NewId() => Ulid.NewUlid().ToString();
}
