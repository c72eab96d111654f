using Switchyard.Gateway.Channels;

namespace Switchyard.Gateway.Delivery;

/// <summary>The data of <c>gateway/notify.requested</c>.</summary>
public sealed record NotifyRequest
{
    /// <summary>The event name.</summary>
    public const string EventName = "gateway/notify.requested";

    /// <summary>alert, progress, digest, ask or receipt.</summary>
    public string? Kind { get; init; }

    /// <summary>The text.</summary>
    public string? Text { get; init; }

    /// <summary>Up to six buttons.</summary>
    public IReadOnlyList<NotifyAction>? Actions { get; init; }

    /// <summary>The origin session: it gets the notification too (except alerts, which go to the central session only).</summary>
    public string? Session { get; init; }

    /// <summary>Correlates the request with its receipt; a repeated id is delivered once (within 24 h).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Answer an inbound message in its own chat instead of routing by kind.</summary>
    public ReplyTarget? ReplyTo { get; init; }
}
