namespace Switchyard.Gateway.State;

/// <summary>A notification waiting for the next digest.</summary>
/// <param name="CorrelationId">The request's correlation id; its receipt is emitted when the digest is delivered.</param>
/// <param name="Kind">The notification kind.</param>
/// <param name="Text">The text.</param>
/// <param name="Session">The origin session, if any.</param>
/// <param name="EventId">The <c>gateway/notify.requested</c> event.</param>
/// <param name="RequestedAt">When it was queued (Unix ms); digests list items in this order.</param>
public sealed record QueuedNotification(string CorrelationId, string Kind, string Text, string? Session, string? EventId, long RequestedAt);
