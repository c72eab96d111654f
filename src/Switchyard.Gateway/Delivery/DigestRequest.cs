using Switchyard.Gateway.State;

namespace Switchyard.Gateway.Delivery;

/// <summary>The data of <c>gateway/digest.requested</c>.</summary>
/// <param name="DigestId">The digest's id.</param>
/// <param name="Reason">wake, interval or flush.</param>
/// <param name="Items">The queued notifications, oldest first.</param>
public sealed record DigestRequest(string DigestId, string Reason, IReadOnlyList<QueuedNotification> Items);
