namespace Switchyard.Gateway.Configuration;

/// <summary>How a route delivers: at once, or collected into the next digest.</summary>
public enum RouteDelivery
{
    /// <summary>Sent as soon as the notification is requested.</summary>
    Immediate,

    /// <summary>Queued and sent as part of the next digest (every <c>digest_interval</c>, and on wake).</summary>
    Digest,
}
