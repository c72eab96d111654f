namespace Switchyard.Gateway.Delivery;

/// <summary>The data of <c>gateway/delivery.confirmed</c> and <c>gateway/delivery.failed</c>.</summary>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="State">confirmed or failed.</param>
/// <param name="Kind">The notification kind.</param>
/// <param name="Platform">The first confirming channel's platform.</param>
/// <param name="PlatformMessageId">Its message id: the proof of delivery.</param>
/// <param name="Channel">Its channel.</param>
/// <param name="ChatId">Its chat.</param>
/// <param name="Deliveries">Every channel's outcome.</param>
/// <param name="Sessions">Session streams the notification was published to.</param>
/// <param name="RequestEventId">The <c>gateway/notify.requested</c> event (for a digest item, that item's request).</param>
/// <param name="RunId">The delivery run.</param>
/// <param name="Reason">Why it failed.</param>
/// <param name="DigestId">The digest that carried it, for queued notifications.</param>
public sealed record Receipt(string CorrelationId, string State, string Kind, string? Platform, string? PlatformMessageId, string? Channel, string? ChatId,
    IReadOnlyList<DeliveryOutcome> Deliveries, IReadOnlyList<string> Sessions, string? RequestEventId, string RunId, string? Reason, string? DigestId)
{
    /// <summary>Builds the receipt from the channel outcomes.</summary>
    public static Receipt From(string correlationId, string kind, IReadOnlyList<DeliveryOutcome> outcomes, IReadOnlyList<string> sessions,
        string? requestEventId, string runId, string? reason = null, string? digestId = null)
    {
        var proof = outcomes.FirstOrDefault(o => o.Confirmed);
        reason ??= proof is not null ? null
            : outcomes.Count == 0 ? "no channel to deliver to"
            : string.Join("; ", outcomes.Select(o => $"{o.Channel}: {o.Error ?? (o.Status == "unconfirmed" ? "accepted without a platform message id" : o.Status)}"));
        return new Receipt(correlationId, proof is null ? "failed" : "confirmed", kind, proof?.Platform, proof?.MessageId, proof?.Channel, proof?.ChatId,
            outcomes, sessions, requestEventId, runId, proof is null ? reason : null, digestId);
    }

    /// <summary>The event name for this receipt.</summary>
    public string EventName => State == "confirmed" ? DeliveryEvents.Confirmed : DeliveryEvents.Failed;
}
