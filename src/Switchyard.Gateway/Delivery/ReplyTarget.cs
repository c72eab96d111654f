namespace Switchyard.Gateway.Delivery;

/// <summary>Where a reply goes: the channel and chat an inbound message came from (its <c>gateway/message.received</c>
/// data carries both), instead of the routing table.</summary>
/// <param name="Channel">The gateway channel name.</param>
/// <param name="ChatId">The chat; the channel's configured chat when null.</param>
/// <param name="MessageId">The message answered, shown as a reply where the platform supports it.</param>
public sealed record ReplyTarget(string Channel, string? ChatId = null, string? MessageId = null);
