namespace Switchyard.Gateway.Channels;

/// <summary>What a channel sends.</summary>
/// <param name="Text">The text.</param>
/// <param name="Kind">alert, progress, digest, ask or receipt.</param>
/// <param name="CorrelationId">The request's correlation id (sent along where the platform has room for it).</param>
/// <param name="Actions">Buttons, if any.</param>
/// <param name="ChatId">Overrides the channel's configured chat (replies go to the chat a message came from).</param>
/// <param name="ReplyToMessageId">The platform message this one answers, if any.</param>
public sealed record OutboundMessage(string Text, string Kind, string CorrelationId, IReadOnlyList<NotifyAction> Actions,
    string? ChatId = null, string? ReplyToMessageId = null);
