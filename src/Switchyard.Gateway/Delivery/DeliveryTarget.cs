namespace Switchyard.Gateway.Delivery;

/// <summary>One channel a notification is sent to.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="ChatId">A chat other than the channel's configured one (replies).</param>
/// <param name="ReplyToMessageId">The message answered.</param>
public sealed record DeliveryTarget(string Channel, string? ChatId = null, string? ReplyToMessageId = null);
