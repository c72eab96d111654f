using System.Collections.Concurrent;

namespace Switchyard.Gateway.State;

/// <summary>Gateway state kept in this process, for a single gateway without Redis. Leases are exclusive file locks
/// (<c>flock</c>) under the state directory, so two gateways on one host still never poll the same bot; gateways on
/// different hosts need Redis for that. Session, delivery and sleep expiry follow <paramref name="time"/>.</summary>
/// <param name="stateDirectory">Where the lease lock files go.</param>
/// <param name="time">The gateway's clock; <see cref="TimeProvider.System"/> when null.</param>
public sealed class MemoryGatewayState(string stateDirectory, TimeProvider? time = null) : IGatewayState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Value, long Expires)> _delivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MuteInfo> _mutes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<QueuedNotification>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FileStream Lock, string Owner)> _leases = new(StringComparer.Ordinal);
    private readonly List<Action<string>> _subscribers = [];
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private DateTimeOffset? _sleepUntil;

    /// <inheritdoc />
    public string Kind => "memory";

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public Task RegisterSessionAsync(string sessionId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate) _sessions[sessionId] = Now + (long)ttl.TotalMilliseconds;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnregisterSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate) _sessions.Remove(sessionId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> SessionsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        lock (_gate)
        {
            foreach (var dead in _sessions.Where(s => s.Value <= now).Select(s => s.Key).ToList()) _sessions.Remove(dead);
            return Task.FromResult<IReadOnlyList<string>>(_sessions.Keys.Order(StringComparer.Ordinal).ToList());
        }
    }

    /// <inheritdoc />
    public Task<string?> GetDeliveredAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_delivered.TryGetValue(key, out var v) && v.Expires > Now ? v.Value : null);

    /// <inheritdoc />
    public Task RecordDeliveredAsync(string key, string value, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = Now;
        // Expired records are dropped as new ones come in, so the map does not grow without bound.
        if (_delivered.Count > 10_000)
            foreach (var old in _delivered.Where(d => d.Value.Expires <= now).Select(d => d.Key).ToList()) _delivered.TryRemove(old, out _);
        _delivered[key] = (value, now + (long)ttl.TotalMilliseconds);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> SleepUntilAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sleepUntil is { } until && until <= _time.GetUtcNow()) _sleepUntil = null;
            return Task.FromResult(_sleepUntil);
        }
    }

    /// <inheritdoc />
    public Task SetSleepAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        lock (_gate) _sleepUntil = until;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, MuteInfo>> MutesAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyDictionary<string, MuteInfo>>(new Dictionary<string, MuteInfo>(_mutes, StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public Task MuteAsync(string channel, MuteInfo info, CancellationToken cancellationToken)
    {
        lock (_gate) _mutes[channel] = info;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> UnmuteAsync(string channel, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_mutes.Remove(channel));
    }

    /// <inheritdoc />
    public Task EnqueueAsync(string queue, QueuedNotification item, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(queue, out var list)) _queues[queue] = list = [];
            if (list.All(i => i.CorrelationId != item.CorrelationId)) list.Add(item);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueuedNotification>> TakeAllAsync(string queue, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_queues.Remove(queue, out var list)) return Task.FromResult<IReadOnlyList<QueuedNotification>>([]);
            return Task.FromResult<IReadOnlyList<QueuedNotification>>(list.OrderBy(i => i.RequestedAt).ToList());
        }
    }

    /// <inheritdoc />
    public Task<long> QueueLengthAsync(string queue, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_queues.TryGetValue(queue, out var list) ? (long)list.Count : 0);
    }

    /// <inheritdoc />
    public Task<long> PublishAsync(string message, CancellationToken cancellationToken)
    {
        Action<string>[] handlers;
        lock (_gate) handlers = [.. _subscribers];
        foreach (var h in handlers) h(message);
        return Task.FromResult(handlers.Length > 0 ? 1L : 0L);
    }

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> handler, CancellationToken cancellationToken)
    {
        lock (_gate) _subscribers.Add(handler);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var held)) return Task.FromResult(held.Owner == owner);
            Directory.CreateDirectory(stateDirectory);
            var path = LockPath(name);
            try
            {
                // FileShare.None takes an exclusive flock on Unix: released by the kernel if this process dies.
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                _leases[name] = (stream, owner);
                File.WriteAllText(path + ".holder", owner);
                return Task.FromResult(true);
            }
            catch (IOException)
            {
                return Task.FromResult(false);
            }
        }
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var held) && held.Owner == owner)
            {
                held.Lock.Dispose();
                _leases.Remove(name);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> LeaseHolderAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var held)) return Task.FromResult<string?>(held.Owner);
        }
        try
        {
            return Task.FromResult<string?>(File.ReadAllText(LockPath(name) + ".holder"));
        }
        catch (IOException)
        {
            return Task.FromResult<string?>(null);
        }
    }

    private string LockPath(string name) => Path.Combine(stateDirectory, "lease-" + string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".lock");

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var (stream, _) in _leases.Values) stream.Dispose();
            _leases.Clear();
        }
        return ValueTask.CompletedTask;
    }
}
