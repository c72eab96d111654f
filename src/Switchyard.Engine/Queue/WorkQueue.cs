using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Queue;

/// <summary>Writes queue items inside a transaction and tells its observers after commit: an item is never
/// dispatched before it is durable.</summary>
public sealed class WorkQueue
{
    private volatile IQueueObserver[] _observers = [];
    private readonly Lock _lock = new();

    /// <summary>Adds an observer told of every committed item from now on.</summary>
    public void Subscribe(IQueueObserver observer)
    {
        lock (_lock) _observers = [.. _observers, observer];
    }

    /// <summary>Enqueues <paramref name="item"/> in <paramref name="tx"/>.</summary>
    public void Enqueue(IStoreTransaction tx, QueueItem item)
    {
        tx.Enqueue(item);
        // Observers are read when the commit happens, not now: a scheduler that subscribes while this transaction is
        // open has already read the table without this item, so only the commit callback can tell it.
        tx.OnCommitted(() =>
        {
            foreach (var observer in _observers) observer.Committed(item);
        });
    }
}
