using Switchyard.Configuration;

namespace Switchyard.Engine.Model;

/// <summary>One item of the prioritized work queue (<c>yard queue emit</c>), a durable row.</summary>
/// <param name="Id">Item id (a ULID).</param>
/// <param name="Family">The declared family (<c>[queue.families.NAME]</c>).</param>
/// <param name="Priority">The priority it was emitted with; aging is applied when ordering, never stored.</param>
/// <param name="Data">The payload, a JSON object.</param>
/// <param name="DedupKey">The dedup key, when the family dedups and one was given or found at its path.</param>
/// <param name="State">Where it is.</param>
/// <param name="EnqueuedAt">When it was stored, Unix ms (FIFO order within a priority, and aging, count from it).</param>
/// <param name="Attempt">Dispatches so far.</param>
/// <param name="NotBefore">Not dispatched before this time, Unix ms (a retry's backoff).</param>
/// <param name="DispatchedAt">When the last dispatch began, Unix ms.</param>
/// <param name="FinishedAt">When it ended (done or failed), Unix ms.</param>
/// <param name="LeaseUntil">While active: when a dispatcher that stopped mid-dispatch gives the item back, Unix ms.</param>
/// <param name="Error">The last failure.</param>
/// <param name="Result">What the handler did: the event id, the pipeline run, the HTTP status.</param>
/// <param name="Deduplicated">Later emits with the same dedup key that were folded into this item.</param>
/// <param name="Seq">Store order (0 until stored): FIFO among items enqueued in the same millisecond.</param>
public sealed record WorkItem(
    string Id, string Family, QueuePriority Priority, string Data, string? DedupKey, WorkItemState State, long EnqueuedAt,
    int Attempt, long NotBefore, long? DispatchedAt, long? FinishedAt, long LeaseUntil, string? Error, string? Result, int Deduplicated, long Seq = 0);
