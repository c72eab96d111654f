using System.Text.Json.Nodes;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>Quiet mode: while asleep, non-alerts wait for the digest delivered on wake; alerts pass at once.</summary>
public sealed class SleepTests
{
    [Fact]
    public async Task Sleep_defers_progress_into_the_wake_digest_while_an_alert_passes_at_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg));

        var slept = await gateway.PostAsync("/sleep", new { @for = "8h" });
        Assert.True(slept["sleeping"]!.GetValue<bool>());

        await server.SendOneAsync(Platforms.Notify("progress", "nightly build 50%", "c-progress"));
        var queued = await server.WaitForReceiptAsync("c-progress");
        Assert.Equal("gateway/delivery.queued", queued["name"]!.GetValue<string>());
        Assert.Equal("sleep", queued["data"]!["queue"]!.GetValue<string>());

        await server.SendOneAsync(Platforms.Notify("alert", "prod is down", "c-alert"));
        var alert = await server.WaitForReceiptAsync("c-alert");
        Assert.Equal("gateway/delivery.confirmed", alert["name"]!.GetValue<string>());
        Assert.Equal("prod is down", Assert.Single(tg.Sent)["text"]!.GetValue<string>());

        var health = await gateway.HealthAsync();
        Assert.True(health["sleep"]!["sleeping"]!.GetValue<bool>());
        Assert.Equal(1, health["queueDepth"]!.GetValue<int>());

        var woke = await gateway.PostAsync("/wake");
        Assert.Equal(1, woke["items"]!.GetValue<int>());
        var digestId = woke["digestId"]!.GetValue<string>();
        var receipt = await server.WaitForReceiptAsync("c-progress", "gateway/delivery.confirmed");
        Assert.Equal(digestId, receipt["data"]!["digestId"]!.GetValue<string>());
        var digest = await tg.WaitForSentAsync(m => m["text"]!.GetValue<string>().StartsWith("Digest", StringComparison.Ordinal));
        Assert.Contains("nightly build 50%", digest["text"]!.GetValue<string>());
        Assert.Equal(digest["message_id"]!.ToString(), receipt["data"]!["platformMessageId"]!.GetValue<string>());
        Assert.Equal(2, tg.Sent.Count);
        Assert.Equal(0, (await gateway.HealthAsync())["queueDepth"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_digest_route_batches_its_kind_until_the_digest_is_flushed()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg) + """
            [routes]
            progress = { channels = ["tg"], delivery = "digest" }
            default = ["tg"]
            """);

        await server.SendOneAsync(Platforms.Notify("progress", "step 1 of 3", "c-d1"));
        await server.SendOneAsync(Platforms.Notify("progress", "step 2 of 3", "c-d2"));
        await server.SendOneAsync(Platforms.Notify("ask", "continue?", "c-ask"));
        Assert.Equal("gateway/delivery.confirmed", (await server.WaitForReceiptAsync("c-ask"))["name"]!.GetValue<string>());
        Assert.Equal("gateway/delivery.queued", (await server.WaitForReceiptAsync("c-d2"))["name"]!.GetValue<string>());
        Assert.Equal("continue?", Assert.Single(tg.Sent)["text"]!.GetValue<string>());

        await gateway.PostAsync("/wake");
        var first = await server.WaitForReceiptAsync("c-d1", "gateway/delivery.confirmed");
        var second = await server.WaitForReceiptAsync("c-d2", "gateway/delivery.confirmed");
        Assert.Equal(first["data"]!["platformMessageId"]!.GetValue<string>(), second["data"]!["platformMessageId"]!.GetValue<string>());
        var digest = tg.Sent[1]["text"]!.GetValue<string>();
        Assert.True(digest.IndexOf("step 1 of 3", StringComparison.Ordinal) < digest.IndexOf("step 2 of 3", StringComparison.Ordinal), digest);
    }
}
