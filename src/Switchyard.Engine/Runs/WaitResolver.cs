using System.Text.Json.Nodes;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Runs;

/// <summary>Resolves <c>waitForEvent</c> pauses. Two paths meet here, both inside write transactions, so no event
/// slips between them: each newly stored event is checked against open waits for its name, and a newly registered
/// wait first looks back at events stored since its call was dispatched.</summary>
public sealed class WaitResolver(RunAdvancer advancer, ExpressionEvaluator expressions, RunFinisher finisher, RunLifecycle lifecycle)
{
    /// <summary>Resolves the open waits a newly stored event satisfies.</summary>
    public void OnEvent(IStoreTransaction tx, StoredEvent stored, JsonObject json)
    {
        var waits = tx.WaitsForEvent(stored.Name);
        if (waits.Count == 0) return;
        object? candidate = null;
        foreach (var wait in waits)
        {
            if (wait.ExpiresAt < tx.Now) continue;
            candidate ??= CelValues.From(json);
            if (!Matches(tx, wait, candidate)) continue;
            if (wait.Kind == WaitKind.Cancel) CancelRun(tx, wait, stored);
            else Resolve(tx, wait, stored);
        }
    }

    /// <summary>Registers a wait and resolves it at once if a matching event was stored after
    /// <paramref name="watermark"/> (the lookback position taken before the call that asked for the wait was made).</summary>
    /// <returns>True when the wait was resolved immediately.</returns>
    public bool Register(IStoreTransaction tx, WaitRecord wait, long watermark, WorkQueue queue)
    {
        tx.InsertWait(wait);
        queue.Enqueue(tx, new QueueItem(QueueItemIds.WaitTimeout(wait.Id), wait.RunId, QueueItemKind.WaitTimeout, wait.StepHash, 0, wait.ExpiresAt, wait.Id));
        if (wait.EventName is null) return false;
        foreach (var past in tx.EventsSince(wait.EventName, watermark, 1000))
        {
            if (Matches(tx, wait, CelValues.Parse(past.Body)))
            {
                Resolve(tx, wait, past);
                return true;
            }
        }
        return false;
    }

    private void CancelRun(IStoreTransaction tx, WaitRecord wait, StoredEvent stored)
    {
        var run = tx.GetRun(wait.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        var reason = $"cancelled by event {stored.Name} ({stored.Id}){(wait.Expression is null ? "" : $" matching `{wait.Expression}`")}";
        finisher.Cancel(tx, run, reason);
        tx.InsertDecision(new Decision(stored.Id, stored.Seq, run.FunctionId, DecisionOutcome.Cancelled, $"{reason}: run {run.Id}", run.Id, tx.Now));
    }

    private bool Matches(IStoreTransaction tx, WaitRecord wait, object? candidate)
    {
        if (string.IsNullOrWhiteSpace(wait.Expression)) return true;
        var run = tx.GetRun(wait.RunId);
        var trigger = run is null ? null : tx.EventBySeq(run.EventSeq);
        var variables = new Dictionary<string, object?>
        {
            ["event"] = trigger is null ? null : CelValues.Parse(trigger.Body),
            ["async"] = candidate,
        };
        return expressions.Condition(wait.Expression, variables).Matched;
    }

    private void Resolve(IStoreTransaction tx, WaitRecord wait, StoredEvent stored)
    {
        if (!tx.DeleteWait(wait.Id)) return;
        tx.DropQueueItem(QueueItemIds.WaitTimeout(wait.Id));
        var run = tx.GetRun(wait.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.WaitResolved, wait.StepHash,
            RunAdvancer.Detail(new { eventId = stored.Id, eventName = stored.Name })));
        // The SDK expects the raw event object as the memoized value of a wait.
        advancer.Settle(tx, run, wait.StepHash, null, stored.Body);
    }
}
