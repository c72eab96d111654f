using Switchyard.Engine.Insight;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Model;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchyard.Configuration;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server.Scaling;

/// <summary>Optional Redis pub/sub between replicas: new queue work wakes every replica's scheduler at once, and
/// webhook deliveries reach live subscription streams on every replica. Nothing durable lives in Redis; losing it
/// only costs latency (the scheduler polls, and streams replay from the store).</summary>
/// <remarks>Because Redis is optional, an unreachable Redis must not keep the server from starting (issue 21): the
/// first connection is made in the background, retried with a doubling delay (<see cref="FirstRetry"/> up to
/// <see cref="MaxRetry"/>, on <see cref="TimeProvider"/>), and <see cref="Status"/> reports <c>degraded</c> until it
/// succeeds. After that StackExchange.Redis reconnects and resubscribes by itself.</remarks>
public sealed class RedisBus(ServerOptions options, IWorkScheduler scheduler, WorkQueue queue, WebhookDeliveryFeed feed, TimeProvider time, ILogger<RedisBus> logger)
    : IHostedService, IAsyncDisposable, IQueueObserver, IComponentStatusSource, ITopologyComponentSource
{
    /// <summary>The delay before the first retry; it doubles up to <see cref="MaxRetry"/>.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between connection attempts.</summary>
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private const string QueueChannel = "switchyard:queue";
    private const string WebhookChannel = "switchyard:webhooks";
    private readonly string _origin = Ulid.NewUlid().ToString();
    private readonly CancellationTokenSource _stop = new();
    private volatile ConnectionMultiplexer? _redis;
    private volatile string? _lastError;
    private TimeSpan _retry = FirstRetry;
    private Task _connecting = Task.CompletedTask;
    private int _disposed;
    private long _wakeups;

    /// <summary>Queue wake-ups received from other replicas since start.</summary>
    public long WakeupsReceived => Interlocked.Read(ref _wakeups);

    /// <summary>True once connected.</summary>
    public bool Connected => _redis?.IsConnected == true;

    /// <summary>Turns <c>redis://[:password@]host:port</c> into a StackExchange.Redis configuration string.</summary>
    public static string Configuration(string value)
    {
        if (!value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)) return value;
        var uri = new Uri(value);
        var config = $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)},abortConnect=false";
        if (uri.UserInfo.Split(':') is [_, var password] && password.Length > 0) config += ",password=" + Uri.UnescapeDataString(password);
        return config;
    }

    /// <summary>The Redis endpoint of <paramref name="value"/> (a <c>redis://</c> URL or configuration string), without credentials.</summary>
    public static Uri Endpoint(string value)
    {
        var endpoint = ConfigurationOptions.Parse(Configuration(value)).EndPoints.FirstOrDefault();
        return endpoint switch
        {
            System.Net.DnsEndPoint d => new Uri($"redis://{d.Host}:{(d.Port > 0 ? d.Port : 6379)}"),
            System.Net.IPEndPoint ip => new Uri($"redis://{ip}"),
            _ => new Uri("redis://127.0.0.1:6379"),
        };
    }

    /// <inheritdoc />
    public TopologyComponent Describe() => new("redis", "redis", Endpoint(options.Redis));

    /// <inheritdoc />
    /// <remarks>The first attempt is awaited, so a reachable Redis relays from the first request on, as before; only
    /// when it fails do the retries move to the background.</remarks>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryConnectAsync()) return;
        _connecting = RetryLoopAsync(_stop.Token);
    }

    private async Task RetryLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(_retry, time, ct); }
            catch (OperationCanceledException) { return; }
            _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, MaxRetry.Ticks));
            if (await TryConnectAsync()) return;
        }
    }

    private async Task<bool> TryConnectAsync()
    {
        try
        {
            await ConnectAsync();
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
        {
            _lastError = ex.Message;
            logger.LogWarning("redis {Redis} unreachable ({Error}); retrying in {Delay}s", SwitchyardConfiguration.MaskPassword(options.Redis), ex.Message, _retry.TotalSeconds);
            return false;
        }
    }

    private async Task ConnectAsync()
    {
        // abortConnect=false would hand back a multiplexer that is not connected and make the subscriptions below
        // fail; here a failed first attempt throws, and the loop above owns the retries.
        var configuration = ConfigurationOptions.Parse(Configuration(options.Redis));
        configuration.AbortOnConnectFail = true;
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        try
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.SubscribeAsync(RedisChannel.Literal(QueueChannel), (_, origin) =>
            {
                if (origin == _origin) return;
                Interlocked.Increment(ref _wakeups);
                scheduler.Wake();
            });
            await subscriber.SubscribeAsync(RedisChannel.Literal(WebhookChannel), (_, message) =>
            {
                try
                {
                    if (JsonSerializer.Deserialize<RelayedEvent>(message.ToString()) is { } relayed && relayed.Origin != _origin) feed.PublishLocal(relayed.Event);
                }
                catch (JsonException ex)
                {
                    logger.LogWarning("ignoring a malformed relayed webhook delivery: {Error}", ex.Message);
                }
            });
            feed.Remote = stored => subscriber.Publish(RedisChannel.Literal(WebhookChannel),
                JsonSerializer.Serialize(new RelayedEvent(_origin, stored)), CommandFlags.FireAndForget);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
        _redis = redis;
        _lastError = null;
        queue.Subscribe(this);
        logger.LogInformation("redis pub/sub connected ({Endpoint})", string.Join(",", redis.GetEndPoints().Select(e => e.ToString())));
    }

    /// <summary>Tells the other replicas that work was enqueued (fire and forget).</summary>
    public void Committed(QueueItem item) =>
        _redis?.GetSubscriber().Publish(RedisChannel.Literal(QueueChannel), _origin, CommandFlags.FireAndForget);

    /// <inheritdoc />
    public ComponentStatus Status() => Connected
        ? new("redis", "ok", $"pub/sub connected ({SwitchyardConfiguration.MaskPassword(options.Redis)}); {WakeupsReceived} queue wake-up(s) received from other replicas", null)
        : new("redis", "degraded",
            $"not connected ({SwitchyardConfiguration.MaskPassword(options.Redis)}{(_lastError is { } e ? ": " + e : "")}); " +
            (_redis is null ? $"retrying in the background (every {_retry.TotalSeconds:0}s at most {MaxRetry.TotalSeconds:0}s)" : "reconnecting") +
            "; meanwhile replicas fall back to LISTEN/NOTIFY and polling",
            "start redis-server or fix SWITCHYARD_REDIS");

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container disposes this once per registration it was resolved through (itself, hosted service, status source).
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        _stop.Dispose();
    }

    private sealed record RelayedEvent(string Origin, StoredEvent Event);
}
