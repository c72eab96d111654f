using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Switchyard.Server.Scaling;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Queue wake-ups over Redis: work enqueued on one replica is announced on the queue channel, and the other
/// replica wakes its scheduler on it (and counts it in <c>yard status</c>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class RedisWakeupTests(PostgresServer postgres)
{
    [Fact]
    public async Task Work_enqueued_on_one_replica_wakes_the_other_through_redis()
    {
        Assert.Null(postgres.Unavailable);
        await using var redis = await RedisServer.StartAsync();
        var url = await postgres.CreateDatabaseAsync();
        await using var a = await TestServer.StartAsync(o => { o.Store = url; o.Redis = redis.Url; });
        await using var b = await TestServer.StartAsync(o => { o.Store = url; o.Redis = redis.Url; });
        await using var app = await TestApp.StartAsync(a, "wake", sdk => sdk.AddFunction<Idempotent>());
        await Eventually.TrueAsync(async () => (await b.GetAsync("/v1/functions"))["functions"]!.AsArray().Count == 1, "the function on B");

        // A plain Redis client listening on the channel the replicas use.
        await using var listener = await ConnectionMultiplexer.ConnectAsync(RedisBus.Configuration(redis.Url));
        var heard = Channel.CreateUnbounded<string>();
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("switchyard:queue"), (_, origin) => heard.Writer.TryWrite(origin.ToString()));
        var before = b.Services.GetRequiredService<RedisBus>().WakeupsReceived;

        var id = await a.SendEventAsync("flow/order", new { orderId = "w-1" });
        await a.WaitForRunsOfEventAsync(id);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.False(string.IsNullOrEmpty(await heard.Reader.ReadAsync(timeout.Token)));
        await Eventually.TrueAsync(() => Task.FromResult(b.Services.GetRequiredService<RedisBus>().WakeupsReceived > before), "B to receive A's wake-up");
        var line = (await b.GetAsync("/v1/status"))["components"]!.AsArray().Single(c => c!["component"]!.GetValue<string>() == "redis")!;
        Assert.Equal("ok", line["status"]!.GetValue<string>());
        Assert.Matches(@"; [1-9]\d* queue wake-up\(s\) received from other replicas$", line["detail"]!.GetValue<string>());
    }
}
