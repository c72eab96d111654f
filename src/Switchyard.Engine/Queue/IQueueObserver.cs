using Switchyard.Engine.Model;

namespace Switchyard.Engine.Queue;

/// <summary>Learns of queue items once they are durably committed (the scheduler that runs them; the Redis relay that
/// wakes other replicas). Observers subscribe to <see cref="WorkQueue"/> when they are built, so the queue depends on
/// no scheduler and the executor → queue → scheduler → executor loop exists only as an observer edge.</summary>
public interface IQueueObserver
{
    /// <summary>Called after commit for each new or rescheduled item.</summary>
    void Committed(QueueItem item);
}
