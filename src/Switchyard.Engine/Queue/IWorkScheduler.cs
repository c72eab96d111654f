namespace Switchyard.Engine.Queue;

/// <summary>Runs queue items when they are due. Each store brings its own (SQLite: an in-process timer queue;
/// PostgreSQL: leases shared by replicas). It learns of new items as an <see cref="IQueueObserver"/> of the
/// <see cref="WorkQueue"/>, so the table is not polled for them.</summary>
public interface IWorkScheduler : IQueueObserver
{
    /// <summary>Looks for due work now (another replica enqueued some).</summary>
    void Wake();

    /// <summary>Queue items known and not yet done (for status and metrics).</summary>
    int Backlog { get; }
}
