namespace Switchyard.Gateway.Channels;

/// <summary>What a platform answered a send with.</summary>
/// <param name="Platform">telegram, slack, discord, webhook, console or file.</param>
/// <param name="MessageId">The platform's message id; null when the platform accepted the message without naming it
/// (a Slack incoming webhook), which is not proof of delivery.</param>
/// <param name="ChatId">Where it went.</param>
public sealed record ChannelReceipt(string Platform, string? MessageId, string? ChatId);
