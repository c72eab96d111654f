using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Hosting;
using Switchyard.Gateway.State;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>Without Redis the gateway keeps its state in the bus store (<c>/v1/kv</c>): it survives a restart, two
/// gateways on one bus share it and one lease, and <c>yard dev --gateway</c> runs a gateway beside the dev server.</summary>
public sealed class BusStateTests
{
    [Fact]
    public async Task Sleep_mutes_queues_and_the_dedupe_survive_a_gateway_restart()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        var channels = Platforms.Telegram(tg);

        await using (var first = await GatewayHost.StartAsync(server, channels))
        {
            Assert.Equal("bus", (await first.HealthAsync())["state"]!.GetValue<string>());
            await server.SendOneAsync(Platforms.Notify("alert", "before the restart", "c-dup"));
            Assert.Equal("gateway/delivery.confirmed", (await server.WaitForReceiptAsync("c-dup"))["name"]!.GetValue<string>());
            await first.PostAsync("/sleep", new { @for = "1h" });
            await first.PostAsync("/channels/tg/mute", new { reason = "maintenance" });
            await server.SendOneAsync(Platforms.Notify("progress", "waits for the digest", "c-queued"));
            Assert.Equal("gateway/delivery.queued", (await server.WaitForReceiptAsync("c-queued"))["name"]!.GetValue<string>());
        }

        // A new process with a fresh state directory: everything it knows comes from the bus store.
        await using var second = await GatewayHost.StartAsync(server, channels);
        var health = await second.HealthAsync();
        Assert.True(health["sleep"]!["sleeping"]!.GetValue<bool>());
        Assert.Equal(1, health["queueDepth"]!.GetValue<int>());
        var tgHealth = await second.ChannelAsync("tg");
        Assert.True(tgHealth["muted"]!.GetValue<bool>());
        Assert.Equal("maintenance", tgHealth["muteReason"]!.GetValue<string>());
        Assert.NotNull(await second.Services.GetRequiredService<IGatewayState>().GetDeliveredAsync("c-dup:tg", CancellationToken.None));

        await server.SendOneAsync(Platforms.Notify("alert", "before the restart", "c-dup"));
        await second.PostAsync("/channels/tg/unmute");
        var woke = await second.PostAsync("/wake");
        Assert.Equal(1, woke["items"]!.GetValue<int>());
        await server.WaitForReceiptAsync("c-queued", "gateway/delivery.confirmed");
        await tg.WaitForSentAsync(m => m["text"]!.GetValue<string>().Contains("waits for the digest", StringComparison.Ordinal));
        Assert.Single(tg.Sent, m => m["text"]!.GetValue<string>() == "before the restart");
    }

    [Fact]
    public async Task Two_gateways_on_one_bus_without_redis_poll_a_bot_once_and_the_standby_takes_over()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        var channels = Platforms.Telegram(tg, poll: true, allow: "42");
        // Separate state directories, as on two hosts: only the bus store is shared.
        await using var a = await GatewayHost.StartAsync(server, channels);
        await using var b = await GatewayHost.StartAsync(server, channels);

        async Task<string[]> StatesAsync() => [
            (await a.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>(),
            (await b.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>()];
        await Eventually.TrueAsync(async () => (await StatesAsync()).Order().SequenceEqual(["polling", "standby"]), "one polling, one standby");
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than the 3 s lease: renewals keep it with the same gateway
        Assert.Equal(["polling", "standby"], (await StatesAsync()).Order());
        Assert.Equal(1, tg.MaxConcurrentPolls);
        Assert.Equal(0, tg.Conflicts);

        var (leader, standby) = (await a.ChannelAsync("tg"))["poller"]!["state"]!.GetValue<string>() == "polling" ? (a, b) : (b, a);
        Assert.Equal(leader.Services.GetRequiredService<GatewayInstance>().Id, (await standby.ChannelAsync("tg"))["poller"]!["leaseHolder"]!.GetValue<string>());

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
    public async Task Yard_dev_with_gateway_runs_the_gateway_beside_the_server()
    {
        var dir = TempDir.Create();
        var file = Path.Combine(dir, "gateway.toml");
        await File.WriteAllTextAsync(file, """
            [channels.dev]
            type = "file"
            path = "notifications.jsonl"
            """);
        using var dev = Process.Start(Yard.StartInfo("dev", "--port", "0", "--data-dir", Path.Combine(dir, "data"), "--gateway", "--gateway-port", "0", "--gateway-config", file))!;
        try
        {
            var line = await dev.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var envelope = JsonNode.Parse(line!)!;
            Assert.True(envelope["ok"]!.GetValue<bool>(), line);
            var gatewayUrl = envelope["result"]!["gateway"]!["url"]!.GetValue<string>();
            using var http = new HttpClient { BaseAddress = new Uri(gatewayUrl) };
            var health = (await http.GetFromJsonAsync<JsonObject>("/health"))!;
            Assert.Equal("bus", health["state"]!.GetValue<string>());
            Assert.Equal("dev", health["channels"]![0]!["name"]!.GetValue<string>());
            Assert.Equal(envelope["result"]!["url"]!.GetValue<string>().TrimEnd('/'), health["server"]!.GetValue<string>().TrimEnd('/'));
        }
        finally
        {
            dev.Kill();
            await dev.WaitForExitAsync();
        }
    }
}
