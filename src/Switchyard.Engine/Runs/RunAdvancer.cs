using System.Text.Json;
using Switchyard.Protocol.Steps;
using Switchyard.Engine.Model;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Runs;

/// <summary>Moves a run forward after a step settles: memoizes the value (once), drops the step from the pending
/// set, and — once nothing is pending, or as each step settles for race-mode runs — queues the next discovery call.</summary>
public sealed class RunAdvancer(WorkQueue queue)
{
    /// <summary>Memoizes <paramref name="valueJson"/> for <paramref name="hash"/> and continues the run.</summary>
    /// <returns>The updated run (already saved).</returns>
    public RunRecord Settle(IStoreTransaction tx, RunRecord run, string hash, string? name, string valueJson) =>
        Memoize(tx, run, [(hash, name, valueJson)], continueRun: true);

    /// <summary>Memoizes several steps at once (those a checkpointing call ran, or parallel steps that failed) and
    /// drops them from the pending set; with <paramref name="continueRun"/>, queues one discovery call once nothing is
    /// pending.</summary>
    /// <returns>The updated run (saved when it changed).</returns>
    public RunRecord Memoize(IStoreTransaction tx, RunRecord run, IReadOnlyList<(string Hash, string? Name, string ValueJson)> steps, bool continueRun)
    {
        foreach (var (hash, name, valueJson) in steps) tx.MemoizeStep(run.Id, hash, name, valueJson);
        var pending = run.Pending.Where(p => !steps.Any(s => s.Hash == p)).ToList();
        var updated = run with { Pending = pending };
        // A race-mode run also continues while other steps are pending, once something new settled.
        var race = pending.Count < run.Pending.Count && run.Flow is not null && RunFlow.FromJson(run.Flow).Race;
        if (continueRun && (pending.Count == 0 || race))
        {
            if (pending.Count == 0) updated = updated with { ForcePlan = false };
            queue.Enqueue(tx, new QueueItem(QueueItemIds.Fresh(run.Id, StepId.Discovery), run.Id, QueueItemKind.Call, StepId.Discovery, 0, tx.Now));
        }
        else if (pending.Count == run.Pending.Count) return run;
        tx.UpdateRun(updated);
        return updated;
    }

    /// <summary>Serializes a detail object for history entries.</summary>
    public static string Detail(object value) => JsonSerializer.Serialize(value);
}
