using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Switchyard.Gateway.State;

/// <summary>Gateway state in Redis, shared by every gateway process that uses the same Redis and key prefix:
/// sessions in a sorted set scored by expiry, deliveries as keys with a TTL, sleep as a key that expires when the
/// sleep ends, mutes in a hash, each digest queue in a hash keyed by correlation id (so a repeated enqueue is kept
/// once), leases with <c>SET NX PX</c> (StackExchange.Redis's lock API), and the stream on one pub/sub channel.</summary>
public sealed class RedisGatewayState : IGatewayState
{
    private const string TakeAllScript = "local v = redis.call('HVALS', KEYS[1]); redis.call('DEL', KEYS[1]); return v";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly RedisChannel _stream;
    private readonly TimeProvider _time;

    private RedisGatewayState(ConnectionMultiplexer redis, string prefix, TimeProvider time)
    {
        _time = time;
        _redis = redis;
        _prefix = prefix;
        _stream = RedisChannel.Literal(prefix + "stream");
    }

    /// <summary>Connects; <paramref name="url"/> is <c>redis://[:password@]host:port[/db]</c> or a StackExchange.Redis
    /// configuration string. <paramref name="time"/> (default <see cref="TimeProvider.System"/>) decides when sessions
    /// and a sleep have run out.</summary>
    public static async Task<RedisGatewayState> ConnectAsync(string url, string prefix, TimeProvider? time = null)
    {
        var options = ParseUrl(url);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        return new RedisGatewayState(redis, prefix, time ?? TimeProvider.System);
    }

    /// <summary>Reads a <c>redis://</c> URL (or a plain configuration string) into options.</summary>
    public static ConfigurationOptions ParseUrl(string url)
    {
        if (!url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)) return ConfigurationOptions.Parse(url);
        var uri = new Uri(url);
        var options = new ConfigurationOptions();
        options.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
        if (uri.UserInfo is { Length: > 0 } info)
        {
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (colon > 0) options.User = Uri.UnescapeDataString(info[..colon]);
                options.Password = Uri.UnescapeDataString(info[(colon + 1)..]);
            }
            else options.Password = Uri.UnescapeDataString(info);
        }
        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } db && int.TryParse(db, CultureInfo.InvariantCulture, out var n)) options.DefaultDatabase = n;
        return options;
    }

    private IDatabase Db => _redis.GetDatabase();

    private RedisKey Key(string name) => _prefix + name;

    /// <inheritdoc />
    public string Kind => "redis";

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public Task RegisterSessionAsync(string sessionId, TimeSpan ttl, CancellationToken cancellationToken) =>
        Db.SortedSetAddAsync(Key("sessions"), sessionId, Now + ttl.TotalMilliseconds);

    /// <inheritdoc />
    public Task UnregisterSessionAsync(string sessionId, CancellationToken cancellationToken) => Db.SortedSetRemoveAsync(Key("sessions"), sessionId);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> SessionsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        await Db.SortedSetRemoveRangeByScoreAsync(Key("sessions"), double.NegativeInfinity, now);
        var live = await Db.SortedSetRangeByScoreAsync(Key("sessions"), now, double.PositiveInfinity);
        return live.Select(v => v.ToString()).Order(StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public async Task<string?> GetDeliveredAsync(string key, CancellationToken cancellationToken)
    {
        var v = await Db.StringGetAsync(Key("delivered:" + key));
        return v.IsNull ? null : v.ToString();
    }

    /// <inheritdoc />
    public Task RecordDeliveredAsync(string key, string value, TimeSpan ttl, CancellationToken cancellationToken) =>
        Db.StringSetAsync(Key("delivered:" + key), value, ttl);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> SleepUntilAsync(CancellationToken cancellationToken)
    {
        var v = await Db.StringGetAsync(Key("sleep"));
        if (v.IsNull || !long.TryParse(v.ToString(), CultureInfo.InvariantCulture, out var ms)) return null;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return until > _time.GetUtcNow() ? until : null;
    }

    /// <inheritdoc />
    public Task SetSleepAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        if (until is not { } u) return Db.KeyDeleteAsync(Key("sleep"));
        var ttl = u - _time.GetUtcNow();
        return ttl <= TimeSpan.Zero ? Db.KeyDeleteAsync(Key("sleep")) : Db.StringSetAsync(Key("sleep"), u.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ttl);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, MuteInfo>> MutesAsync(CancellationToken cancellationToken)
    {
        var all = await Db.HashGetAllAsync(Key("mutes"));
        return all.ToDictionary(e => e.Name.ToString(), e => JsonSerializer.Deserialize<MuteInfo>(e.Value.ToString(), Json)!, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public Task MuteAsync(string channel, MuteInfo info, CancellationToken cancellationToken) =>
        Db.HashSetAsync(Key("mutes"), channel, JsonSerializer.Serialize(info, Json));

    /// <inheritdoc />
    public Task<bool> UnmuteAsync(string channel, CancellationToken cancellationToken) => Db.HashDeleteAsync(Key("mutes"), channel);

    /// <inheritdoc />
    public Task EnqueueAsync(string queue, QueuedNotification item, CancellationToken cancellationToken) =>
        Db.HashSetAsync(Key("queue:" + queue), item.CorrelationId, JsonSerializer.Serialize(item, Json), When.NotExists);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedNotification>> TakeAllAsync(string queue, CancellationToken cancellationToken)
    {
        // One script, so an item queued concurrently is either taken now or left for the next digest, never lost.
        var result = await Db.ScriptEvaluateAsync(TakeAllScript, [Key("queue:" + queue)]);
        var values = (RedisValue[]?)result ?? [];
        return values.Select(v => JsonSerializer.Deserialize<QueuedNotification>(v.ToString(), Json)!).OrderBy(i => i.RequestedAt).ToList();
    }

    /// <inheritdoc />
    public Task<long> QueueLengthAsync(string queue, CancellationToken cancellationToken) => Db.HashLengthAsync(Key("queue:" + queue));

    /// <inheritdoc />
    public Task<long> PublishAsync(string message, CancellationToken cancellationToken) => _redis.GetSubscriber().PublishAsync(_stream, message);

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> handler, CancellationToken cancellationToken) =>
        _redis.GetSubscriber().SubscribeAsync(_stream, (_, value) => handler(value.ToString()));

    /// <inheritdoc />
    public async Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var key = Key("lease:" + name);
        return await Db.LockTakeAsync(key, owner, ttl) || await Db.LockExtendAsync(key, owner, ttl);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken) => Db.LockReleaseAsync(Key("lease:" + name), owner);

    /// <inheritdoc />
    public async Task<string?> LeaseHolderAsync(string name, CancellationToken cancellationToken)
    {
        var v = await Db.LockQueryAsync(Key("lease:" + name));
        return v.IsNull ? null : v.ToString();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
