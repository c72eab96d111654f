namespace Switchyard.Gateway.Inbound;

/// <summary>A message or button press from a chat platform, normalized. It becomes the data of
/// <c>gateway/message.received</c> or <c>gateway/action.received</c>; replies go back with
/// <c>replyTo: {channel, chatId, messageId}</c> taken from it.</summary>
/// <param name="Channel">The gateway channel it came in on.</param>
/// <param name="Platform">telegram or slack.</param>
/// <param name="UpdateId">The platform's id for this update (Telegram update_id, Slack event_id); the event id derives from it.</param>
/// <param name="UserId">Who sent it.</param>
/// <param name="Username">Their handle, when known.</param>
/// <param name="ChatId">The chat it was sent in.</param>
/// <param name="MessageId">The platform message (for a button press: the message carrying the button).</param>
/// <param name="Text">The text (for a button press: empty).</param>
/// <param name="Data">The button's payload, for a button press.</param>
public sealed record InboundMessage(string Channel, string Platform, string UpdateId, string UserId, string? Username, string ChatId, string? MessageId,
    string? Text, string? Data = null)
{
    /// <summary>The bus event id: repeated deliveries of one update are stored once.</summary>
    public string EventId => $"{Platform}-{Channel}-{UpdateId}";
}
