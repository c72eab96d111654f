using System.Text.Json.Nodes;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>Flow 4: notify.requested → durable delivery run → channels → receipt with the platform message id.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task A_notification_reaches_every_routed_platform_and_the_receipt_carries_their_message_ids()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var slack = await FakeSlack.StartAsync();
        await using var discord = await FakeDiscord.StartAsync();
        await using var hook = await FakeWebhookReceiver.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server,
            Platforms.Telegram(tg) + Platforms.Slack(slack) + Platforms.Discord(discord) + Platforms.Webhook(hook) +
            """
            [routes]
            alert = ["tg", "team", "ops", "hook"]
            """);

        var eventId = await server.SendOneAsync(Platforms.Notify("alert", "disk full on db-1", "c-1", actions: new[] { new { label = "Ack", data = "ack:c-1" } }));
        var receipt = await server.WaitForReceiptAsync("c-1");

        Assert.Equal("gateway/delivery.confirmed", receipt["name"]!.GetValue<string>());
        var data = receipt["data"]!;
        Assert.Equal(eventId, data["requestEventId"]!.GetValue<string>());
        var deliveries = data["deliveries"]!.AsArray().OfType<JsonObject>().ToDictionary(d => d["channel"]!.GetValue<string>());
        Assert.All(deliveries.Values, d => Assert.Equal("sent", d["status"]!.GetValue<string>()));

        var sentTg = Assert.Single(tg.Sent);
        Assert.Equal(sentTg["message_id"]!.ToString(), deliveries["tg"]["messageId"]!.GetValue<string>());
        Assert.Equal("777", deliveries["tg"]["chatId"]!.GetValue<string>());
        Assert.Equal("ack:c-1", sentTg["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());
        Assert.Equal(Assert.Single(slack.Posted)["ts"]!.GetValue<string>(), deliveries["team"]["messageId"]!.GetValue<string>());
        Assert.Equal(Assert.Single(discord.Messages)["id"]!.GetValue<string>(), deliveries["ops"]["messageId"]!.GetValue<string>());
        Assert.Equal("hook-1", deliveries["hook"]["messageId"]!.GetValue<string>());
        Assert.Equal(0, hook.Rejected);
        Assert.Equal("disk full on db-1", Assert.Single(hook.Received)["text"]!.GetValue<string>());
        Assert.NotNull(data["platformMessageId"]?.GetValue<string>());

        // The same correlation id again: the server's idempotency skips it, nothing is sent twice.
        var again = await server.SendOneAsync(Platforms.Notify("alert", "disk full on db-1", "c-1"));
        var decision = await Eventually.GetAsync(async () =>
            (await server.GetAsync($"/v1/events/{again}"))["decisions"]!.AsArray().OfType<JsonObject>().FirstOrDefault(), "the duplicate's decision");
        Assert.Equal("skipped_idempotency", decision["outcome"]!.GetValue<string>());
        await Task.Delay(500);
        Assert.Single(tg.Sent);
        Assert.Single(slack.Posted);
        Assert.Single(await server.EventsAsync("gateway/delivery.confirmed"));
    }

    [Fact]
    public async Task Requests_without_a_correlation_id_are_each_delivered_under_their_event_id()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg));

        var first = await server.SendOneAsync(new { name = "gateway/notify.requested", data = new { kind = "progress", text = "one" } });
        var second = await server.SendOneAsync(new { name = "gateway/notify.requested", data = new { kind = "progress", text = "two" } });

        Assert.Equal("gateway/delivery.confirmed", (await server.WaitForReceiptAsync(first))["name"]!.GetValue<string>());
        Assert.Equal("gateway/delivery.confirmed", (await server.WaitForReceiptAsync(second))["name"]!.GetValue<string>());
        Assert.Equal(["one", "two"], tg.Sent.Select(m => m["text"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_platform_outage_is_retried_then_recorded_as_failed_and_a_short_one_recovers()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg) + "[routes]\nalert = [\"tg\"]\n");

        tg.FailSends = int.MaxValue;
        var eventId = await server.SendOneAsync(Platforms.Notify("alert", "outage", "c-down"));
        var receipt = await server.WaitForReceiptAsync("c-down");

        Assert.Equal("gateway/delivery.failed", receipt["name"]!.GetValue<string>());
        var delivery = Assert.Single(receipt["data"]!["deliveries"]!.AsArray())!;
        Assert.Equal("failed", delivery["status"]!.GetValue<string>());
        Assert.Contains("502", delivery["error"]!.GetValue<string>());
        Assert.Null(receipt["data"]!["platformMessageId"]);
        Assert.Equal(3, tg.SendAttempts); // send_retries = 2: the first try and two retries
        Assert.Empty(tg.Sent);
        var run = (await server.GetAsync($"/v1/events/{eventId}"))["runs"]![0]!;
        Assert.Equal("gateway-deliver", run["functionId"]!.GetValue<string>());
        var channel = await gateway.ChannelAsync("tg");
        Assert.Equal("degraded", channel["health"]!.GetValue<string>());
        Assert.Equal(3, channel["consecutiveFailures"]!.GetValue<int>());

        tg.FailSends = 1;
        await server.SendOneAsync(Platforms.Notify("alert", "blip", "c-blip"));
        var recovered = await server.WaitForReceiptAsync("c-blip");
        Assert.Equal("gateway/delivery.confirmed", recovered["name"]!.GetValue<string>());
        Assert.Equal(Assert.Single(tg.Sent)["message_id"]!.ToString(), recovered["data"]!["platformMessageId"]!.GetValue<string>());
        Assert.Equal("healthy", (await gateway.ChannelAsync("tg"))["health"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_channel_that_accepts_without_a_message_id_does_not_confirm()
    {
        await using var server = await TestServer.StartAsync();
        await using var slack = await FakeSlack.StartAsync();
        // A Slack incoming webhook answers "ok" and names no message.
        await using var gateway = await GatewayHost.StartAsync(server, $"""
            [channels.legacy]
            type = "slack"
            webhook_url = "{slack.IncomingWebhookUrl}"

            [routes]
            default = ["legacy"]
            """);

        await server.SendOneAsync(Platforms.Notify("progress", "build 41% done", "c-nomsg"));
        var receipt = await server.WaitForReceiptAsync("c-nomsg");

        Assert.Equal("gateway/delivery.failed", receipt["name"]!.GetValue<string>());
        Assert.Equal("unconfirmed", receipt["data"]!["deliveries"]![0]!["status"]!.GetValue<string>());
        Assert.Contains("without a message id", receipt["data"]!["reason"]!.GetValue<string>());
        Assert.Equal("build 41% done", Assert.Single(slack.Posted)["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_muted_channel_holds_notifications_back_until_unmuted()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg) + "[routes]\ndefault = [\"tg\"]\n");

        await gateway.PostAsync("/channels/tg/mute", new { reason = "known flaky bot" });
        var channel = await gateway.ChannelAsync("tg");
        Assert.Equal("disabled", channel["health"]!.GetValue<string>());
        Assert.Equal("known flaky bot", channel["muteReason"]!.GetValue<string>());

        await server.SendOneAsync(Platforms.Notify("progress", "muted one", "c-m1"));
        var held = await server.WaitForReceiptAsync("c-m1");
        Assert.Equal("gateway/delivery.failed", held["name"]!.GetValue<string>());
        Assert.Equal("muted", held["data"]!["deliveries"]![0]!["status"]!.GetValue<string>());
        Assert.Empty(tg.Sent);

        await gateway.PostAsync("/channels/tg/unmute");
        await server.SendOneAsync(Platforms.Notify("progress", "unmuted one", "c-m2"));
        Assert.Equal("gateway/delivery.confirmed", (await server.WaitForReceiptAsync("c-m2"))["name"]!.GetValue<string>());
        Assert.Equal("unmuted one", Assert.Single(tg.Sent)["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trace_of_a_notify_event_shows_the_delivery_run_and_the_receipt_event()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg));

        var eventId = await server.SendOneAsync(Platforms.Notify("ask", "deploy?", "c-trace"));
        var receipt = await server.WaitForReceiptAsync("c-trace");
        Assert.True(receipt["name"]!.GetValue<string>() == "gateway/delivery.confirmed", receipt.ToJsonString());
        var trace = await server.GetAsync($"/v1/events/{Uri.EscapeDataString(eventId)}/trace");

        var deliver = Nodes(trace).FirstOrDefault(n => n["type"]?.GetValue<string>() == "function" && n["functionId"]?.GetValue<string>() == "gateway-deliver");
        Assert.NotNull(deliver);
        var run = deliver["run"]!.AsObject();
        Assert.Equal("Completed", run["status"]?.GetValue<string>());
        var steps = run["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("route", steps);
        Assert.Contains("send:tg", steps);
        var sent = Assert.Single(run["sentEvents"]!.AsArray())!;
        Assert.Equal("gateway/delivery.confirmed", sent["name"]!.GetValue<string>());
        Assert.Equal(receipt["id"]!.GetValue<string>(), sent["id"]!.GetValue<string>());
    }

    private static IEnumerable<JsonObject> Nodes(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var child in o.Select(p => p.Value).SelectMany(Nodes)) yield return child;
                break;
            case JsonArray a:
                foreach (var child in a.SelectMany(Nodes)) yield return child;
                break;
        }
    }
}
