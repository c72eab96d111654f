namespace Switchyard.Engine.Model;

/// <summary>An event as the store holds it.</summary>
/// <param name="Seq">Store-assigned order (0 until stored).</param>
/// <param name="Id">Event id (the sender's idempotency id, or a ULID the server assigned).</param>
/// <param name="Name">Event name.</param>
/// <param name="Body">The full event JSON: <c>{name, data, id, ts, user?, v?}</c>.</param>
/// <param name="Ts">Event timestamp, Unix ms.</param>
/// <param name="ReceivedAt">When the server accepted it, Unix ms.</param>
/// <param name="Source">Where it came from: <c>api</c>, <c>step</c>, <c>internal</c>, <c>webhook</c>, <c>cron</c>.</param>
public sealed record StoredEvent(long Seq, string Id, string Name, string Body, long Ts, long ReceivedAt, string Source);
