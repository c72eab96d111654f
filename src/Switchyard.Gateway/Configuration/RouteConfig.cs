namespace Switchyard.Gateway.Configuration;

/// <summary>One row of the routing table: a notification kind (or <c>default</c>) to channels.</summary>
/// <param name="Kind">alert, progress, digest, ask, receipt, or default.</param>
/// <param name="Channels">Channel names, in order.</param>
/// <param name="Delivery">Immediate or batched into the digest.</param>
public sealed record RouteConfig(string Kind, IReadOnlyList<string> Channels, RouteDelivery Delivery);
