namespace Switchyard.Server.Execution;

/// <summary>Learns about queue items once they are committed, so they run when due without polling the store.</summary>
public interface IWorkScheduler
{
    /// <summary>Called after commit for each new or rescheduled item.</summary>
    void Schedule(QueueItem item);

    /// <summary>Looks for due work now (another replica enqueued some).</summary>
    void Wake();

    /// <summary>Queue items known and not yet done (for status and metrics).</summary>
    int Backlog { get; }
}
