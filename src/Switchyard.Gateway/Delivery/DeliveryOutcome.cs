namespace Switchyard.Gateway.Delivery;

/// <summary>What happened on one channel (or session stream).</summary>
/// <param name="Channel">Channel name, or <c>session:&lt;id&gt;</c>.</param>
/// <param name="Platform">telegram, slack, discord, webhook, console, file or stream.</param>
/// <param name="Status">sent (with a platform message id), unconfirmed (accepted without one), failed, muted, disabled or unknown.</param>
/// <param name="MessageId">The platform's message id, when sent.</param>
/// <param name="ChatId">Where it went.</param>
/// <param name="Error">Why it failed or was skipped.</param>
/// <param name="At">When (Unix ms).</param>
public sealed record DeliveryOutcome(string Channel, string Platform, string Status, string? MessageId, string? ChatId, string? Error, long At)
{
    /// <summary>Only a send the platform named a message for proves delivery.</summary>
    public bool Confirmed => Status == "sent" && !string.IsNullOrEmpty(MessageId);
}
