using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary><c>POST /v1/queue/{family}</c> body.</summary>
/// <param name="Data">The item's payload, a JSON object.</param>
/// <param name="Priority"><c>P0</c> (first) to <c>P3</c>; the family's priority when absent.</param>
/// <param name="DedupKey">Dedup key; when absent the family's <c>dedup_path</c> into the payload is used.</param>
public sealed record QueueEmitRequest(JsonObject Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Priority = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DedupKey = null);

/// <summary><c>POST /v1/queue/{family}</c>: the item is durable when this answer arrives.</summary>
/// <param name="Id">The item's id; for a duplicate, the id of the item stored first.</param>
/// <param name="Family">The family.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Deduplicated">True when an item with the same dedup key was stored within the window, and this one was not stored.</param>
public sealed record QueueEmitResult(string Id, string Family, string Priority, bool Deduplicated);

/// <summary>One reason for an item's state (<c>yard queue why</c>).</summary>
/// <param name="Code"><c>paused</c>, <c>behind</c>, <c>concurrency</c>, <c>retrying</c>, <c>next</c>, <c>active</c>,
/// <c>dispatched</c>, <c>failed</c>, <c>deduplicated</c>, <c>unknown_family</c>.</param>
/// <param name="Message">The reason, in words.</param>
public sealed record QueueWhy(string Code, string Message);

/// <summary>A work-queue item.</summary>
/// <param name="Id">Item id.</param>
/// <param name="Family">Its family.</param>
/// <param name="Priority">The priority it was emitted with.</param>
/// <param name="EffectivePriority">With aging applied now (P3 → P2, P2 → P1 after <c>age_after</c>), for queued items.</param>
/// <param name="State"><c>queued</c>, <c>active</c>, <c>done</c> or <c>failed</c>.</param>
/// <param name="Data">The payload.</param>
/// <param name="DedupKey">Its dedup key.</param>
/// <param name="EnqueuedAt">Unix ms.</param>
/// <param name="Attempt">Dispatches so far.</param>
/// <param name="NotBefore">A retry's earliest time, Unix ms (when later than the enqueue time).</param>
/// <param name="DispatchedAt">The last dispatch, Unix ms.</param>
/// <param name="FinishedAt">When it ended, Unix ms.</param>
/// <param name="Error">The last failure.</param>
/// <param name="Result">What its handler did (event id, pipeline run, HTTP status).</param>
/// <param name="Deduplicated">Later emits folded into this item by its dedup key.</param>
/// <param name="Why">Why it is where it is (only on <c>GET /v1/queue/items/{id}</c>).</param>
public sealed record QueueItemView(string Id, string Family, string Priority, string? EffectivePriority, string State, JsonNode? Data, string? DedupKey,
    long EnqueuedAt, int Attempt, long? NotBefore, long? DispatchedAt, long? FinishedAt, string? Error, string? Result, int Deduplicated,
    IReadOnlyList<QueueWhy>? Why);

/// <summary><c>GET /v1/queue</c>.</summary>
/// <param name="Items">The items, newest first.</param>
public sealed record QueueItemList(IReadOnlyList<QueueItemView> Items);

/// <summary>An active family pause.</summary>
/// <param name="Family">The family.</param>
/// <param name="Reason">Why it was paused.</param>
/// <param name="PausedAt">Unix ms.</param>
/// <param name="Until">When it expires by itself, Unix ms.</param>
public sealed record QueuePauseView(string Family, string Reason, long PausedAt, long Until);

/// <summary><c>POST /v1/queue/{family}/pause</c> body.</summary>
/// <param name="Ttl">How long, as a duration (<c>15m</c>, <c>1h</c>); default 15m.</param>
/// <param name="Reason">Why (shown by <c>yard queue why</c> and <c>stats</c>).</param>
public sealed record QueuePauseRequest(string? Ttl, string? Reason);

/// <summary><c>POST /v1/queue/{family}/resume</c>.</summary>
/// <param name="Family">The family.</param>
/// <param name="Resumed">False when it was not paused.</param>
public sealed record QueueResumeResult(string Family, bool Resumed);

/// <summary>Queued items of one priority in a family.</summary>
/// <param name="Priority"><c>P0</c>..<c>P3</c> (as emitted).</param>
/// <param name="Depth">Items queued.</param>
/// <param name="OldestAgeMs">How long the oldest has waited, ms.</param>
public sealed record QueuePriorityStats(string Priority, long Depth, long? OldestAgeMs);

/// <summary>One family in <c>GET /v1/queue/stats</c>.</summary>
/// <param name="Family">The family.</param>
/// <param name="Handler"><c>event</c>, <c>pipeline</c> or <c>http</c> (null when the family is no longer declared).</param>
/// <param name="Target">The event name, pipeline or URL.</param>
/// <param name="Concurrency">Most items active at once.</param>
/// <param name="Active">Items active now.</param>
/// <param name="Depth">Items queued.</param>
/// <param name="Priorities">Queued items per priority.</param>
/// <param name="DispatchedLastMinute">Items dispatched in the last 60 s (the dispatch rate, per minute).</param>
/// <param name="Done">Items done.</param>
/// <param name="Failed">Items failed.</param>
/// <param name="Pause">The active pause, if any.</param>
public sealed record QueueFamilyStats(string Family, string? Handler, string? Target, int Concurrency, long Active, long Depth,
    IReadOnlyList<QueuePriorityStats> Priorities, long DispatchedLastMinute, long Done, long Failed, QueuePauseView? Pause);

/// <summary><c>GET /v1/queue/stats</c>.</summary>
/// <param name="Families">Every declared family, and any other with stored items.</param>
/// <param name="AgeAfterMs">The aging wait (<c>[queue] age_after</c>), ms.</param>
public sealed record QueueStats(IReadOnlyList<QueueFamilyStats> Families, long AgeAfterMs);
