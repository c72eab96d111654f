using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>Flow 5: inbound chat → gateway/message.received → a function reacts → its reply goes back to the chat.</summary>
public sealed class InboundTests
{
    [Fact]
    public async Task A_telegram_message_from_an_allowed_user_triggers_a_function_whose_reply_returns_to_the_same_chat()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var app = await TestApp.StartAsync(server, "bot-app", f => f.AddFunction<EchoFunction>());
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg, poll: true, allow: "42"));

        tg.AddMessage(userId: 42, chatId: 9001, "ping");
        var reply = await tg.WaitForSentAsync(m => m["text"]?.GetValue<string>() == "echo: ping");

        Assert.Equal(9001, reply["chat"]!["id"]!.GetValue<long>());
        var received = Assert.Single(await server.EventsAsync("gateway/message.received"));
        Assert.Equal("telegram-tg-1001", received["id"]!.GetValue<string>()); // the update id, so a redelivery is stored once
        Assert.Equal("42", received["data"]!["userId"]!.GetValue<string>());
        Assert.Equal(received["data"]!["messageId"]!.GetValue<string>(), reply["reply_parameters"]!["message_id"]!.ToString());
        var receipt = await server.WaitForReceiptAsync("reply-telegram-tg-1001");
        Assert.Equal("gateway/delivery.confirmed", receipt["name"]!.GetValue<string>());
        Assert.Equal(reply["message_id"]!.ToString(), receipt["data"]!["platformMessageId"]!.GetValue<string>());

        // A button press becomes gateway/action.received and the spinner is answered.
        tg.AddCallback(userId: 42, chatId: 9001, messageId: reply["message_id"]!.GetValue<int>(), "approve:7");
        var action = await Eventually.GetAsync(async () => (await server.EventsAsync("gateway/action.received")).FirstOrDefault(), "an action event");
        Assert.Equal("approve:7", action["data"]!["data"]!.GetValue<string>());
        Assert.Equal("9001", action["data"]!["chatId"]!.GetValue<string>());
        await Eventually.TrueAsync(() => Task.FromResult(tg.CallbackAnswers == 1), "answerCallbackQuery");
    }

    [Fact]
    public async Task A_user_not_on_the_allow_list_triggers_nothing_and_is_recorded()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var app = await TestApp.StartAsync(server, "bot-app", f => f.AddFunction<EchoFunction>());
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg, poll: true, allow: "42"));

        tg.AddMessage(userId: 666, chatId: 9002, "let me in");
        tg.AddCallback(userId: 666, chatId: 9002, messageId: 1, "approve:7");
        // An allowed message sent after them: once its echo is back, the stranger's updates were handled too.
        tg.AddMessage(userId: 42, chatId: 9001, "after");
        await tg.WaitForSentAsync(m => m["text"]?.GetValue<string>() == "echo: after");

        Assert.DoesNotContain(tg.Sent, m => m["chat"]!["id"]!.GetValue<long>() == 9002);
        Assert.Equal("42", Assert.Single(await server.EventsAsync("gateway/message.received"))["data"]!["userId"]!.GetValue<string>());
        Assert.Empty(await server.EventsAsync("gateway/action.received"));
        var rejected = await Eventually.GetAsync(async () =>
        {
            var events = (await server.GetAsync("/v1/otel/list?source=gateway&count=50"))["events"]!.AsArray().OfType<JsonObject>()
                .Where(e => e["action"]!.GetValue<string>() == "gateway.inbound.rejected").ToList();
            return events.Count == 2 ? events : null;
        }, "two rejections in telemetry");
        Assert.All(rejected, e => Assert.Equal("666", e["metadata"]!["userId"]!.GetValue<string>()));
        Assert.All(rejected, e => Assert.Equal("warn", e["level"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Slack_events_need_a_valid_signature_and_an_allowed_user()
    {
        const string secret = "slack-signing-secret";
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, $"""
            [channels.team]
            type = "slack"
            signing_secret = "{secret}"
            allow = ["U1"]
            """);

        var challenge = await PostSignedAsync(gateway, secret, """{"type":"url_verification","challenge":"xyz"}""");
        Assert.Equal("xyz", await challenge.Content.ReadAsStringAsync());

        var message = """{"type":"event_callback","event_id":"Ev1","event":{"type":"message","user":"U1","channel":"C9","ts":"1700000000.000200","text":"hello"}}""";
        var ok = await PostSignedAsync(gateway, secret, message);
        Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());
        var received = Assert.Single(await server.EventsAsync("gateway/message.received"));
        Assert.Equal("slack-team-Ev1", received["id"]!.GetValue<string>());
        Assert.Equal("C9", received["data"]!["replyTo"]!["chatId"]!.GetValue<string>());
        Assert.Equal("hello", received["data"]!["text"]!.GetValue<string>());

        var forged = await PostSignedAsync(gateway, "wrong-secret", message.Replace("Ev1", "Ev2", StringComparison.Ordinal));
        Assert.Equal(401, (int)forged.StatusCode);
        var stranger = await PostSignedAsync(gateway, secret, message.Replace("Ev1", "Ev3", StringComparison.Ordinal).Replace("\"U1\"", "\"U2\"", StringComparison.Ordinal));
        Assert.True(stranger.IsSuccessStatusCode);
        Assert.Single(await server.EventsAsync("gateway/message.received"));
    }

    private static async Task<HttpResponseMessage> PostSignedAsync(GatewayHost gateway, string secret, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/team/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + WebhookSignature.Hex(secret, $"v0:{timestamp}:", Encoding.UTF8.GetBytes(body)));
        return await gateway.Http.SendAsync(request);
    }
}
