using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task A_sleep_runs_out_when_the_gateways_clock_passes_it_and_what_waited_goes_out_as_a_digest()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg), configure: b => b.Services.AddSingleton<TimeProvider>(clock));

        var slept = await gateway.PostAsync("/sleep", new { @for = "8h" });
        Assert.Equal((clock.GetUtcNow() + TimeSpan.FromHours(8)).ToUnixTimeMilliseconds(), slept["until"]!.GetValue<long>());
        await server.SendOneAsync(Platforms.Notify("progress", "backup done", "c-overnight"));
        Assert.Equal("gateway/delivery.queued", (await server.WaitForReceiptAsync("c-overnight"))["name"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1));
        Assert.True((await gateway.HealthAsync())["sleep"]!["sleeping"]!.GetValue<bool>());
        Assert.Empty(tg.Sent);

        // Eight hours pass on the clock, not on the wall: no /wake, and no real waiting.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await gateway.HealthAsync())["sleep"]!["sleeping"]!.GetValue<bool>());
        // The digest flusher ticks on the same clock and sends what waited.
        var receipt = await server.WaitForReceiptAsync("c-overnight", "gateway/delivery.confirmed");
        Assert.NotNull(receipt["data"]!["digestId"]);
        var digest = await tg.WaitForSentAsync(m => m["text"]!.GetValue<string>().StartsWith("Digest", StringComparison.Ordinal));
        Assert.Contains("backup done", digest["text"]!.GetValue<string>());
    }
}
