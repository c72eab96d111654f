using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>One poller per bot (a lease), and automatic restarts of a failing poller.</summary>
public sealed class PollerTests
{
    [Fact]
    public async Task Two_gateways_sharing_redis_poll_a_bot_exactly_once_and_the_standby_takes_over()
    {
        if (RedisServer.Binary is null) Assert.Fail("redis-server is not installed: run scripts/test.sh (it installs Debian's redis-server)");
        await using var redis = await RedisServer.StartAsync();
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        var channels = Platforms.Telegram(tg, poll: true, allow: "42");
        var redisKey = $"redis_url = \"{redis.Url}\"";
        await using var a = await GatewayHost.StartAsync(server, channels, redisKey);
        await using var b = await GatewayHost.StartAsync(server, channels, redisKey);

        async Task<string[]> StatesAsync() => [
            (await a.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>(),
            (await b.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>()];
        await Eventually.TrueAsync(async () => (await StatesAsync()).Order().SequenceEqual(["polling", "standby"]), "one polling, one standby");
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than the lease: renewals keep it with the same gateway
        Assert.Equal(["polling", "standby"], (await StatesAsync()).Order());
        Assert.Equal(0, tg.Conflicts);
        Assert.Equal(1, tg.MaxConcurrentPolls);

        var (leader, standby) = (await a.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>() == "polling" ? (a, b) : (b, a);
        Assert.Equal(leader.Services.GetService(typeof(Switchyard.Gateway.Hosting.GatewayInstance)) is Switchyard.Gateway.Hosting.GatewayInstance i ? i.Id : null,
            (await standby.ChannelAsync("tg"))["poller"]!["leaseHolder"]!.GetValue<string>());

        // Cross-process pub/sub: a stream client of either gateway sees a notification, whichever gateway delivered it.
        await using (var onA = await StreamListener.ConnectAsync(a, "topic=session:gateway"))
        await using (var onB = await StreamListener.ConnectAsync(b, "topic=session:gateway"))
        {
            await server.SendOneAsync(Platforms.Notify("progress", "seen by both", "c-both"));
            Assert.Equal("seen by both", (await onA.NextAsync(m => m["type"]!.GetValue<string>() == "notification"))["data"]!["text"]!.GetValue<string>());
            Assert.Equal("seen by both", (await onB.NextAsync(m => m["type"]!.GetValue<string>() == "notification"))["data"]!["text"]!.GetValue<string>());
        }

        // Shared state: sleep set through one gateway is seen by the other.
        await leader.PostAsync("/sleep", new { @for = "1h" });
        Assert.True((await standby.HealthAsync())["sleep"]!["sleeping"]!.GetValue<bool>());
        await standby.PostAsync("/wake");

        await leader.StopAsync();
        await Eventually.TrueAsync(async () => (await standby.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>() == "polling", "the standby to take over",
            TimeSpan.FromSeconds(15));
        tg.AddMessage(userId: 42, chatId: 9001, "still there?");
        await Eventually.TrueAsync(async () => (await server.EventsAsync("gateway/message.received")).Count == 1, "the message via the new poller");
        Assert.Equal(0, tg.Conflicts);
    }

    [Fact]
    public async Task In_memory_state_a_file_lease_keeps_a_second_gateway_on_the_same_host_from_polling()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        var stateDir = TempDir.Create();
        var channels = Platforms.Telegram(tg, poll: true, allow: "42");
        // state = "memory" opts out of the bus store, leaving the file lease as the only thing the gateways share.
        await using var a = await GatewayHost.StartAsync(server, channels, "state = \"memory\"", stateDir: stateDir);
        await using var b = await GatewayHost.StartAsync(server, channels, "state = \"memory\"", stateDir: stateDir);

        await Eventually.TrueAsync(async () =>
            new[] { (await a.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>(), (await b.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>() }
                .Order().SequenceEqual(["polling", "standby"]), "one polling, one standby");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, tg.Conflicts);
        Assert.Equal(1, tg.MaxConcurrentPolls);
    }

    [Fact]
    public async Task A_poller_failing_repeatedly_is_restarted_and_recovers()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        tg.FailPolls = 3;
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg, poll: true, allow: "42", extra: "failures_before_restart = 2"));

        var restarted = await Eventually.GetAsync(async () =>
        {
            var p = (await gateway.ChannelAsync("tg"))["poller"]!;
            return p["restarts"]!.GetValue<int>() >= 1 ? p : null;
        }, "a poller restart");
        Assert.Contains("Bad Gateway", restarted["lastError"]!.GetValue<string>());

        await Eventually.TrueAsync(async () =>
        {
            var c = await gateway.ChannelAsync("tg");
            return c["health"]!.GetValue<string>() == "healthy" && c["poller"]!["polls"]!.GetValue<long>() > 0;
        }, "the poller to recover", TimeSpan.FromSeconds(20));
        tg.AddMessage(userId: 42, chatId: 9001, "back?");
        await Eventually.TrueAsync(async () => (await server.EventsAsync("gateway/message.received")).Count == 1, "a message after recovery");
        var restarts = (await server.GetAsync("/v1/otel/list?source=gateway&count=50"))["events"]!.AsArray()
            .Count(e => e!["action"]!.GetValue<string>() == "gateway.poller.restarted");
        Assert.True(restarts >= 1);
    }
}
