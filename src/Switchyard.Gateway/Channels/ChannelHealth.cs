namespace Switchyard.Gateway.Channels;

/// <summary>A channel's live counters: sends, failures in a row, the last error, and its poller's state. Sends and
/// the poller update it from different threads.</summary>
public sealed class ChannelHealth
{
    private readonly Lock _gate = new();
    private long _sent;
    private long _failed;
    private int _consecutiveFailures;
    private string? _lastError;
    private long? _lastErrorAt;
    private long? _lastSentAt;
    private PollerStatus? _poller;

    /// <summary>Records a send the platform confirmed, at <paramref name="at"/> (Unix ms, from the caller's clock).</summary>
    public void Sent(long at)
    {
        lock (_gate)
        {
            _sent++;
            _consecutiveFailures = 0;
            _lastSentAt = at;
        }
    }

    /// <summary>Records a failed send, at <paramref name="at"/> (Unix ms, from the caller's clock).</summary>
    public void SendFailed(string error, long at)
    {
        lock (_gate)
        {
            _failed++;
            _consecutiveFailures++;
            _lastError = error;
            _lastErrorAt = at;
        }
    }

    /// <summary>Replaces the poller's state.</summary>
    public void Poller(PollerStatus status)
    {
        lock (_gate) _poller = status;
    }

    /// <summary>The current view; <paramref name="disabled"/> when muted or turned off.</summary>
    public ChannelHealthView View(bool disabled)
    {
        lock (_gate)
        {
            var degraded = _consecutiveFailures > 0 || _poller is { ConsecutiveFailures: > 0 } || _poller?.State == "restarting";
            var state = disabled ? HealthState.Disabled : degraded ? HealthState.Degraded : HealthState.Healthy;
            return new ChannelHealthView(state, _sent, _failed, _consecutiveFailures, _lastError, _lastErrorAt, _lastSentAt, _poller);
        }
    }
}
