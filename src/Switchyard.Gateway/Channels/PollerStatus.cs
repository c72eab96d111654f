namespace Switchyard.Gateway.Channels;

/// <summary>A poller's state as shown by <c>/health</c>.</summary>
/// <param name="State">starting, polling, standby (another gateway holds the lease), restarting or stopped.</param>
/// <param name="LeaseHolder">Who holds the platform account's lease.</param>
/// <param name="Restarts">Restarts after repeated failures.</param>
/// <param name="ConsecutiveFailures">Failed polls in a row.</param>
/// <param name="LastError">The last poll error.</param>
/// <param name="LastPollAt">When the last poll answered (Unix ms).</param>
/// <param name="Polls">Successful polls.</param>
public sealed record PollerStatus(string State, string? LeaseHolder, int Restarts, int ConsecutiveFailures, string? LastError, long? LastPollAt, long Polls);
