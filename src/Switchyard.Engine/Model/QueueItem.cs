namespace Switchyard.Engine.Model;

/// <summary>A unit of durable work: a call to make, or a timer to fire. Rows, so a restart loses nothing.</summary>
/// <param name="Id">Deterministic id (e.g. <c>run:step:attempt-kind</c>) so enqueuing twice is a no-op.</param>
/// <param name="RunId">Run the item belongs to.</param>
/// <param name="Kind">See <see cref="QueueItemKind"/>.</param>
/// <param name="StepId"><c>step</c> for discovery, a hash for a planned step or a timer's step.</param>
/// <param name="Attempt">0-based attempt of this call.</param>
/// <param name="DueAt">When it may run, Unix ms.</param>
/// <param name="Payload">Kind-specific JSON (e.g. the wait id of a timeout).</param>
public sealed record QueueItem(string Id, string RunId, QueueItemKind Kind, string StepId, int Attempt, long DueAt, string? Payload = null);
