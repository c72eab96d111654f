using Switchyard.Server.Storage;

namespace Switchyard.Server.Execution;

/// <summary>Writes queue items inside a transaction and hands them to the scheduler after commit: an item is never
/// dispatched before it is durable.</summary>
public sealed class WorkQueue(IWorkScheduler scheduler, Scaling.RedisBus? bus = null)
{
    /// <summary>Enqueues <paramref name="item"/> in <paramref name="tx"/>.</summary>
    public void Enqueue(IStoreTransaction tx, QueueItem item)
    {
        tx.Enqueue(item);
        tx.OnCommitted(() =>
        {
            scheduler.Schedule(item);
            bus?.QueueChanged();
        });
    }

    /// <summary>A fresh id for a call or timer. Applying a response is guarded by removing the item that caused it,
    /// so fresh ids cannot double work.</summary>
    public static string NewId(string runId, string stepId) => $"{runId}:{stepId}:{Ulid.NewUlid()}";

    /// <summary>Id of a planned step's first call: deterministic, so planning the same step twice is a no-op.</summary>
    public static string PlannedId(string runId, string hash) => $"{runId}:{hash}:plan";
}
