using Switchyard.Protocol.Steps;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Runs;

/// <summary>Creates a run inside the triggering event's transaction: the run row, the first call on the queue, its
/// cancel-on-event rules and its start timeout; the <c>run.scheduled</c> transition goes to the listeners (history,
/// span, metric). An acknowledged event therefore always has its runs.</summary>
public sealed class RunStarter(WorkQueue queue, RunLifecycle lifecycle)
{
    /// <summary>Starts a run of <paramref name="fn"/> for the stored event <paramref name="ev"/>.</summary>
    public RunRecord Start(IStoreTransaction tx, StoredEvent ev, FunctionRecord fn, string reason, StartOptions? options = null)
    {
        options ??= new StartOptions();
        var run = new RunRecord(
            Id: options.RunId ?? NewId(), FunctionId: fn.Id, AppId: fn.AppId, EventId: ev.Id, EventSeq: ev.Seq, Status: RunStatus.Queued,
            CreatedAt: tx.Now, StartedAt: null, EndedAt: null, Output: null, Error: null, Version: -1, ForcePlan: false,
            Pending: [], ParentRunId: options.ParentRunId, ParentStep: options.ParentStep,
            Flow: ((options.Flow ?? new RunFlow()) with { Race = fn.Config.ParallelMode == "race" }).ToJson(), Batch: options.Batch);
        tx.InsertRun(run);
        queue.Enqueue(tx, new QueueItem(QueueItemIds.Fresh(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, options.DueAt ?? tx.Now));
        lifecycle.Record(tx, run, HistoryEntries.Run(tx, run.Id, HistoryKind.RunScheduled,
            System.Text.Json.JsonSerializer.Serialize(new { eventId = ev.Id, eventName = ev.Name, reason, events = options.Batch?.Count })));

        var flow = fn.Flow;
        for (var i = 0; i < flow.Cancel.Count; i++)
        {
            var rule = flow.Cancel[i];
            var expires = tx.Now + (long)(rule.Timeout ?? TimeSpan.FromDays(366)).TotalMilliseconds;
            tx.InsertWait(new WaitRecord($"{run.Id}:cancel:{i}", run.Id, "", WaitKind.Cancel, rule.Event, rule.If, null, expires, tx.Now));
        }
        if (flow.StartTimeout is { } start)
            queue.Enqueue(tx, new QueueItem(QueueItemIds.StartTimeout(run.Id), run.Id, QueueItemKind.Timeout, "start", 0, tx.Now + (long)start.TotalMilliseconds));
        return run;
    }

    /// <summary>A new run id: a ULID, so ids sort by creation time.</summary>
    public static string NewId() => Ulid.NewUlid().ToString();
}
