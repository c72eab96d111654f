using Switchyard.Client.Models;

namespace Switchyard.Client;

/// <summary>The prioritized work queue under <c>/v1/queue</c>.</summary>
public sealed partial class SwitchyardClient
{
    /// <summary><c>POST /v1/queue/{family}</c>: stores an item (durable when this returns), or answers the first
    /// item's id when its dedup key was seen within the family's window.</summary>
    public Task<QueueEmitResult> QueueEmitAsync(string family, QueueEmitRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<QueueEmitResult>("v1/queue/" + Segment(family), request, cancellationToken);

    /// <summary><c>GET /v1/queue</c>: items, newest first, optionally of one family and state.</summary>
    public Task<QueueItemList> QueueListAsync(string? family = null, string? state = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync<QueueItemList>("v1/queue" + Query(("family", family), ("state", state), ("limit", Number(limit))), cancellationToken);

    /// <summary><c>GET /v1/queue/stats</c>: per family and priority, depth, oldest age, dispatch rate, failures, pauses.</summary>
    public Task<QueueStats> QueueStatsAsync(CancellationToken cancellationToken = default) => GetAsync<QueueStats>("v1/queue/stats", cancellationToken);

    /// <summary><c>GET /v1/queue/items/{id}</c>: the item and why it is where it is.</summary>
    public Task<QueueItemView> QueueItemAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync<QueueItemView>("v1/queue/items/" + Segment(id), cancellationToken);

    /// <summary><c>POST /v1/queue/{family}/pause</c>: a durable pause that expires by itself.</summary>
    public Task<QueuePauseView> QueuePauseAsync(string family, QueuePauseRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<QueuePauseView>($"v1/queue/{Segment(family)}/pause", request, cancellationToken);

    /// <summary><c>POST /v1/queue/{family}/resume</c>.</summary>
    public Task<QueueResumeResult> QueueResumeAsync(string family, CancellationToken cancellationToken = default) =>
        PostAsync<QueueResumeResult>($"v1/queue/{Segment(family)}/resume", null, cancellationToken);
}
