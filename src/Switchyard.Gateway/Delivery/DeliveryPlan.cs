using Switchyard.Gateway.Channels;

namespace Switchyard.Gateway.Delivery;

/// <summary>The routing decision for one request, stored as the delivery run's <c>route</c> step so that retries and
/// replays send to the same places.</summary>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The text to send.</param>
/// <param name="Actions">Buttons.</param>
/// <param name="Targets">Channels to send to.</param>
/// <param name="Sessions">Session streams to publish to (the central session, plus the origin session unless an alert).</param>
/// <param name="Skipped">Channels of the route that are muted, turned off or unknown.</param>
/// <param name="Queued">sleep or digest when the request was queued for a digest instead.</param>
/// <param name="Error">Why the request cannot be delivered at all (bad kind, no text, no route).</param>
/// <param name="Route">The routing table row used (its kind, or reply/default/all).</param>
public sealed record DeliveryPlan(string CorrelationId, string Kind, string Text, IReadOnlyList<NotifyAction> Actions, IReadOnlyList<DeliveryTarget> Targets,
    IReadOnlyList<string> Sessions, IReadOnlyList<DeliveryOutcome> Skipped, string? Queued, string? Error, string Route);
