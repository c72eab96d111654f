namespace Switchyard.Gateway.Delivery;

/// <summary>Names of the events the gateway emits.</summary>
public static class DeliveryEvents
{
    /// <summary>Delivered: at least one channel named the message it created.</summary>
    public const string Confirmed = "gateway/delivery.confirmed";

    /// <summary>Not delivered anywhere (every channel failed, was muted, or gave no message id).</summary>
    public const string Failed = "gateway/delivery.failed";

    /// <summary>Queued for a digest (sleep or a digest route); the receipt follows when the digest is delivered.</summary>
    public const string Queued = "gateway/delivery.queued";

    /// <summary>A digest of queued notifications is due (sent by the gateway; handled by its digest function).</summary>
    public const string DigestRequested = "gateway/digest.requested";

    /// <summary>An inbound message from an allowed user.</summary>
    public const string MessageReceived = "gateway/message.received";

    /// <summary>A button press from an allowed user.</summary>
    public const string ActionReceived = "gateway/action.received";

    /// <summary>The id of a request's receipt event, so a retried send step stores it once.</summary>
    public static string ReceiptId(string correlationId) => "gateway-receipt-" + correlationId;
}
