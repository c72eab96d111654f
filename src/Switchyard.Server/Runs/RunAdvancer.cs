using System.Text.Json;
using Switchyard.Protocol.Steps;
using Switchyard.Server.Execution;
using Switchyard.Server.Storage;

namespace Switchyard.Server.Runs;

/// <summary>Moves a run forward after a step settles: memoizes the value (once), drops the step from the pending
/// set, and — once nothing is pending — queues the next discovery call.</summary>
public sealed class RunAdvancer(WorkQueue queue)
{
    /// <summary>Memoizes <paramref name="valueJson"/> for <paramref name="hash"/> and continues the run.</summary>
    /// <returns>The updated run (already saved).</returns>
    public RunRecord Settle(IStoreTransaction tx, RunRecord run, string hash, string? name, string valueJson)
    {
        tx.InsertStep(run.Id, hash, name, valueJson);
        var pending = run.Pending.Where(p => p != hash).ToList();
        var updated = run with { Pending = pending };
        if (pending.Count == 0)
        {
            updated = updated with { ForcePlan = false };
            queue.Enqueue(tx, new QueueItem(WorkQueue.NewId(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, tx.Now));
        }
        tx.UpdateRun(updated);
        return updated;
    }

    /// <summary>Queues the next discovery call when nothing is pending (steps were memoized without
    /// <see cref="Settle"/>).</summary>
    public void Continue(IStoreTransaction tx, RunRecord run)
    {
        if (run.Pending.Count > 0) return;
        queue.Enqueue(tx, new QueueItem(WorkQueue.NewId(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, tx.Now));
    }

    /// <summary>Serializes a detail object for history entries.</summary>
    public static string Detail(object value) => JsonSerializer.Serialize(value);
}
