using Switchyard.Protocol.Steps;
using Switchyard.Server.Events;
using Switchyard.Server.Execution;
using Switchyard.Server.Registry;
using Switchyard.Server.Storage;

namespace Switchyard.Server.Runs;

/// <summary>Creates a run inside the triggering event's transaction: the run row, its first history entry and the
/// first call on the queue. An acknowledged event therefore always has its runs.</summary>
public sealed class RunStarter(WorkQueue queue)
{
    /// <summary>Starts a run of <paramref name="fn"/> for the stored event <paramref name="ev"/>.</summary>
    public RunRecord Start(IStoreTransaction tx, StoredEvent ev, FunctionRecord fn, string reason, string? parentRunId = null, string? parentStep = null)
    {
        var run = new RunRecord(
            Id: NewId(), FunctionId: fn.Id, AppId: fn.AppId, EventId: ev.Id, EventSeq: ev.Seq, Status: RunStatus.Queued,
            CreatedAt: tx.Now, StartedAt: null, EndedAt: null, Output: null, Error: null, Version: -1, ForcePlan: false,
            Pending: [], ParentRunId: parentRunId, ParentStep: parentStep);
        tx.InsertRun(run);
        tx.AppendHistory(new HistoryEntry(0, run.Id, tx.Now, HistoryKind.RunScheduled, null, null, null, 0, null,
            System.Text.Json.JsonSerializer.Serialize(new { eventId = ev.Id, eventName = ev.Name, reason })));
        queue.Enqueue(tx, new QueueItem(WorkQueue.NewId(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, tx.Now));
        return run;
    }

    /// <summary>A new run id: a ULID, so ids sort by creation time.</summary>
    public static string NewId() => Ulid.NewUlid().ToString();
}
