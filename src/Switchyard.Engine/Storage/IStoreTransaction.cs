using Switchyard.Engine.Model;

namespace Switchyard.Engine.Storage;

/// <summary>Primitive writes and the reads they depend on, inside one transaction. Engine logic is written once
/// against this interface and runs unchanged on every store.</summary>
public interface IStoreTransaction
{
    /// <summary>Current time, Unix ms, fixed for the transaction's callers.</summary>
    long Now { get; }

    /// <summary>Registers an action to run after the transaction commits durably.</summary>
    void OnCommitted(Action action);

    /// <summary>Raises an internal event (<c>inngest/function.finished</c>, <c>inngest/function.failed</c>) in this
    /// transaction. Engine code that ends runs raises events instead of calling ingest, which would loop back into it;
    /// the engine ingests every raised event before the transaction commits, through the same path as every other
    /// event (see <c>EventIngest.IngestRaised</c>).</summary>
    void Raise(IncomingEvent internalEvent);

    /// <summary>Takes the events raised since the last call (empty when none).</summary>
    IReadOnlyList<IncomingEvent> TakeRaised();

    // Events
    /// <summary>Claims an event id: true when no event with this id was received at or after
    /// <paramref name="sinceMs"/>, and the caller then stores the event in the same transaction; false for a
    /// duplicate. Claim-and-store by concurrent transactions (other replicas) is serialized, so exactly one stores it.</summary>
    bool ClaimEventId(string id, long sinceMs);
    /// <summary>Claims each of <paramref name="ids"/> as <see cref="ClaimEventId"/> would, in order (an id repeated in
    /// the list is a duplicate after its first); a store may answer them all in one round trip.</summary>
    IReadOnlyList<bool> ClaimEventIds(IReadOnlyList<string> ids, long sinceMs) => [.. ids.Select(id => ClaimEventId(id, sinceMs))];
    /// <summary>Stores an event and returns its sequence number.</summary>
    long InsertEvent(StoredEvent stored);
    /// <summary>Events named <paramref name="name"/> stored after a lookback position taken with
    /// <see cref="IStoreReader.LookbackPositionAsync"/>, oldest first.</summary>
    IReadOnlyList<StoredEvent> EventsSince(string name, long position, int limit);
    /// <summary>The event with this sequence number.</summary>
    StoredEvent? EventBySeq(long seq);

    // Key-value state (flow-control buckets, idempotency keys, subscriptions). Expired entries read as absent.
    /// <summary>The value under (<paramref name="ns"/>, <paramref name="key"/>), or null when absent or expired.</summary>
    string? KvGet(string ns, string key);
    /// <summary>Sets a value; <paramref name="expiresAt"/> (Unix ms) makes it vanish after that time.</summary>
    void KvPut(string ns, string key, string value, long? expiresAt);
    /// <summary>Removes a value; false when it was absent.</summary>
    bool KvDelete(string ns, string key);
    /// <summary>Live entries of a namespace, by key.</summary>
    IReadOnlyList<(string Key, string Value, long? ExpiresAt)> KvList(string ns);
    /// <summary>Deletes expired entries; returns how many.</summary>
    int KvPrune();

    // Replicas
    /// <summary>Records a replica's heartbeat (inserting it on its first beat), and forgets replicas whose last beat
    /// is older than <paramref name="forgetBefore"/> (Unix ms).</summary>
    void ReplicaBeat(ReplicaRecord replica, long forgetBefore);

    // Registry
    /// <summary>Inserts or replaces an app.</summary>
    void UpsertApp(AppRecord app);
    /// <summary>Makes <paramref name="functions"/> the app's whole function set and returns the ids removed.</summary>
    IReadOnlyList<string> ReplaceFunctions(string appId, IReadOnlyList<FunctionRecord> functions);
    /// <summary>Sets a function's paused flag; false when it does not exist.</summary>
    bool SetPaused(string functionId, bool paused);

    // Runs
    /// <summary>Inserts a run.</summary>
    void InsertRun(RunRecord run);
    /// <summary>Reads a run.</summary>
    RunRecord? GetRun(string runId);
    /// <summary>Replaces a run's mutable fields.</summary>
    void UpdateRun(RunRecord run);
    /// <summary>Memoizes a step value; false (and nothing written) when the step already has one.</summary>
    bool InsertStep(string runId, string hash, string? name, string valueJson);
    /// <summary>Whether a step already has a memoized value.</summary>
    bool StepExists(string runId, string hash);
    /// <summary>Memoizes a step value unless the step already has one, without asking which; a store may send it with
    /// its next round trip instead of waiting for an answer.</summary>
    void MemoizeStep(string runId, string hash, string? name, string valueJson) => InsertStep(runId, hash, name, valueJson);
    /// <summary>Which of <paramref name="hashes"/> already have a memoized value, as <see cref="StepExists"/> would say
    /// for each; a store may answer them all in one round trip.</summary>
    IReadOnlySet<string> ExistingSteps(string runId, IReadOnlyCollection<string> hashes) =>
        hashes.Where(h => StepExists(runId, h)).ToHashSet(StringComparer.Ordinal);
    /// <summary>Appends to a run's history.</summary>
    void AppendHistory(HistoryEntry entry);
    /// <summary>Records a trigger decision.</summary>
    void InsertDecision(Decision decision);

    // Queue
    /// <summary>Adds a queue item; a no-op when one with the same id exists.</summary>
    void Enqueue(QueueItem item);
    /// <summary>Removes a queue item; false when it was already gone (the work was applied before).</summary>
    bool Dequeue(string itemId);
    /// <summary>Removes a queue item when the caller need not know whether it was there (a timeout that may never have
    /// been queued); a store may send it with its next round trip instead of waiting for an answer.</summary>
    void DropQueueItem(string itemId) => Dequeue(itemId);
    /// <summary><see cref="Dequeue"/>, then — when the item was there — <see cref="GetRun"/>; a store may do both in one
    /// round trip (taking the item's lock before the run's, as the two calls would).</summary>
    /// <returns>The run, or null when the item was gone (its work was applied before) or the run does not exist.</returns>
    RunRecord? DequeueWithRun(string itemId, string runId) => Dequeue(itemId) ? GetRun(runId) : null;
    /// <summary>True when queue item <paramref name="itemId"/> of run <paramref name="runId"/> is still there (its work
    /// not applied yet); on stores with several writers the row stays locked until the transaction ends, so the item
    /// cannot be applied in between.</summary>
    bool HoldQueueItem(string runId, string itemId);
    /// <summary><see cref="HoldQueueItem"/>, then — when the item was there — <see cref="GetRun"/>; a store may do both
    /// in one round trip (taking the item's lock before the run's, as the two calls would).</summary>
    /// <returns>The run, or null when the item was gone or the run does not exist.</returns>
    RunRecord? HoldQueueItemWithRun(string runId, string itemId) => HoldQueueItem(runId, itemId) ? GetRun(runId) : null;
    /// <summary>Removes all queue items of a run and returns their ids.</summary>
    IReadOnlyList<string> DequeueRun(string runId);
    /// <summary>Removes every queue item of a run, as <see cref="DequeueRun"/>, without asking which; a store may send
    /// it with its next round trip instead of waiting for an answer.</summary>
    void DropRunQueue(string runId) => DequeueRun(runId);

    // Work queue (yard queue): durable items of the declared families
    /// <summary>Stores a work-queue item.</summary>
    void InsertWorkItem(WorkItem item);
    /// <summary>Reads a work-queue item; on stores with several writers the row stays locked until the transaction ends.</summary>
    WorkItem? GetWorkItem(string id);
    /// <summary>Replaces a work-queue item's mutable fields (state, attempt, times, lease, error, result, dedup count).</summary>
    void UpdateWorkItem(WorkItem item);
    /// <summary>How many items of <paramref name="family"/> are active. On stores with several writers this also locks
    /// the family until the transaction ends, so replicas dispatching the same family take turns and never exceed its
    /// concurrency between them.</summary>
    int CountActiveWork(string family);
    /// <summary>Queued items of a family and priority that are due by <paramref name="dueBy"/> (no retry backoff
    /// pending), oldest first (FIFO), at most <paramref name="limit"/>.</summary>
    IReadOnlyList<WorkItem> QueuedWork(string family, Configuration.QueuePriority priority, long dueBy, int limit);
    /// <summary>Active items of a family whose lease ended before <paramref name="now"/>: their dispatcher stopped mid-dispatch.</summary>
    IReadOnlyList<WorkItem> ExpiredWorkLeases(string family, long now);
    /// <summary>Deletes at most <paramref name="limit"/> done or failed items that ended before <paramref name="beforeMs"/>; returns how many.</summary>
    int PruneWorkItems(long beforeMs, int limit);

    // Waits
    /// <summary>Adds a wait.</summary>
    void InsertWait(WaitRecord wait);
    /// <summary>Open event and cancel waits for an event name.</summary>
    IReadOnlyList<WaitRecord> WaitsForEvent(string eventName);
    /// <summary>Open invoke waits for a child run.</summary>
    WaitRecord? WaitForChild(string childRunId);
    /// <summary>Reads a wait.</summary>
    WaitRecord? GetWait(string waitId);
    /// <summary>Removes a wait; false when it was already gone.</summary>
    bool DeleteWait(string waitId);
    /// <summary>Removes all waits of a run.</summary>
    void DeleteWaits(string runId);

    // Retention
    /// <summary>Deletes runs that ended before their status's cutoff (never one that is queued or running) with their
    /// steps, history, decisions, queue rows and waits, touching at most <paramref name="limit"/> rows: a run goes only
    /// once its rows are gone, so one with more rows than the limit is finished by later calls.</summary>
    RetentionCounts PruneRuns(RetentionCutoffs cutoffs, int limit);
    /// <summary>Deletes up to <paramref name="limit"/> rows of events received before <paramref name="beforeMs"/> that no
    /// run refers to (as trigger or batch member), with their decisions (and, where the store keeps them apart, their
    /// dedup claims).</summary>
    RetentionCounts PruneEvents(long beforeMs, int limit);
}
