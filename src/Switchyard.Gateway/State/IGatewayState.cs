namespace Switchyard.Gateway.State;

/// <summary>State that several gateway processes must agree on: the session registry, the delivery dedupe, sleep,
/// mutes, the digest queues, poller leases and the stream's pub/sub. <see cref="RedisGatewayState"/> shares it
/// through Redis, <see cref="BusGatewayState"/> through the bus store's key-value API; <see cref="MemoryGatewayState"/>
/// keeps it in this process (leases as file locks).</summary>
public interface IGatewayState : IAsyncDisposable
{
    /// <summary><c>memory</c>, <c>bus</c> or <c>redis</c>.</summary>
    string Kind { get; }

    /// <summary>Marks a session alive for <paramref name="ttl"/> (stream clients refresh it while connected).</summary>
    Task RegisterSessionAsync(string sessionId, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Removes a session.</summary>
    Task UnregisterSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The live sessions.</summary>
    Task<IReadOnlyList<string>> SessionsAsync(CancellationToken cancellationToken);

    /// <summary>What was recorded for a delivery key (e.g. a platform message id), or null.</summary>
    Task<string?> GetDeliveredAsync(string key, CancellationToken cancellationToken);

    /// <summary>Records a delivery for <paramref name="ttl"/>.</summary>
    Task RecordDeliveredAsync(string key, string value, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Until when the gateway sleeps, or null when awake.</summary>
    Task<DateTimeOffset?> SleepUntilAsync(CancellationToken cancellationToken);

    /// <summary>Sleeps until <paramref name="until"/>, or wakes (null).</summary>
    Task SetSleepAsync(DateTimeOffset? until, CancellationToken cancellationToken);

    /// <summary>Muted channels.</summary>
    Task<IReadOnlyDictionary<string, MuteInfo>> MutesAsync(CancellationToken cancellationToken);

    /// <summary>Mutes a channel.</summary>
    Task MuteAsync(string channel, MuteInfo info, CancellationToken cancellationToken);

    /// <summary>Unmutes a channel; false when it was not muted.</summary>
    Task<bool> UnmuteAsync(string channel, CancellationToken cancellationToken);

    /// <summary>Queues a notification for a digest; a correlation id already queued is kept once.</summary>
    Task EnqueueAsync(string queue, QueuedNotification item, CancellationToken cancellationToken);

    /// <summary>Takes every queued notification (oldest first), leaving the queue empty.</summary>
    Task<IReadOnlyList<QueuedNotification>> TakeAllAsync(string queue, CancellationToken cancellationToken);

    /// <summary>How many notifications a queue holds.</summary>
    Task<long> QueueLengthAsync(string queue, CancellationToken cancellationToken);

    /// <summary>Publishes a stream message to every gateway process; returns how many processes received it.</summary>
    Task<long> PublishAsync(string message, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="handler"/> with every published stream message, this process's own included.</summary>
    Task SubscribeAsync(Action<string> handler, CancellationToken cancellationToken);

    /// <summary>Takes the lease <paramref name="name"/> for <paramref name="owner"/>, or renews it when the owner already
    /// holds it. False when someone else holds it.</summary>
    Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Gives the lease up, if <paramref name="owner"/> holds it.</summary>
    Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken);

    /// <summary>Who holds the lease, if anyone is known to.</summary>
    Task<string?> LeaseHolderAsync(string name, CancellationToken cancellationToken);
}
