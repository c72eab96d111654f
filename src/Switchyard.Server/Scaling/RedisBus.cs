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
public sealed class RedisBus(ServerOptions options, IWorkScheduler scheduler, WorkQueue queue, WebhookDeliveryFeed feed, ILogger<RedisBus> logger)
    : IHostedService, IAsyncDisposable, IQueueObserver, IComponentStatusSource, ITopologyComponentSource
{
    private const string QueueChannel = "switchyard:queue";
    private const string WebhookChannel = "switchyard:webhooks";
    private readonly string _origin = Ulid.NewUlid().ToString();
    private ConnectionMultiplexer? _redis;
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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(Configuration(options.Redis));
        var subscriber = _redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(QueueChannel), (_, origin) =>
        {
            if (origin == _origin) return;
            Interlocked.Increment(ref _wakeups);
            scheduler.Wake();
        });
        queue.Subscribe(this);
        feed.Remote = stored => subscriber.Publish(RedisChannel.Literal(WebhookChannel),
            JsonSerializer.Serialize(new RelayedEvent(_origin, stored)), CommandFlags.FireAndForget);
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
        logger.LogInformation("redis pub/sub connected ({Endpoint})", string.Join(",", _redis.GetEndPoints().Select(e => e.ToString())));
    }

    /// <summary>Tells the other replicas that work was enqueued (fire and forget).</summary>
    public void Committed(QueueItem item) =>
        _redis?.GetSubscriber().Publish(RedisChannel.Literal(QueueChannel), _origin, CommandFlags.FireAndForget);

    /// <inheritdoc />
    public ComponentStatus Status() => Connected
        ? new("redis", "ok", $"pub/sub connected ({SwitchyardConfiguration.MaskPassword(options.Redis)}); {WakeupsReceived} queue wake-up(s) received from other replicas", null)
        : new("redis", "degraded", $"not connected ({SwitchyardConfiguration.MaskPassword(options.Redis)}); replicas fall back to LISTEN/NOTIFY and polling", "start redis-server or fix SWITCHYARD_REDIS");

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }

    private sealed record RelayedEvent(string Origin, StoredEvent Event);
}
