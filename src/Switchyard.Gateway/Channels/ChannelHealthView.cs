namespace Switchyard.Gateway.Channels;

/// <summary>A snapshot of <see cref="ChannelHealth"/>.</summary>
/// <param name="State">healthy, degraded or disabled.</param>
/// <param name="Sent">Confirmed sends since start.</param>
/// <param name="Failed">Failed send attempts since start.</param>
/// <param name="ConsecutiveFailures">Failed sends in a row.</param>
/// <param name="LastError">The last send error.</param>
/// <param name="LastErrorAt">When (Unix ms).</param>
/// <param name="LastSentAt">The last confirmed send (Unix ms).</param>
/// <param name="Poller">The inbound poller, for channels that poll.</param>
public sealed record ChannelHealthView(HealthState State, long Sent, long Failed, int ConsecutiveFailures, string? LastError, long? LastErrorAt,
    long? LastSentAt, PollerStatus? Poller);
