using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>TOML for channels pointed at the fake platforms.</summary>
internal static class Platforms
{
    public static string Telegram(FakeTelegram tg, string name = "tg", bool poll = false, string allow = "", string extra = "") => $"""
        [channels.{name}]
        type = "telegram"
        token = "{FakeTelegram.Token}"
        chat_id = 777
        api_base_url = "{tg.Url}"
        poll = {(poll ? "true" : "false")}
        poll_timeout = "1s"
        allow = [{allow}]
        {extra}

        """;

    public static string Slack(FakeSlack slack, string name = "team") => $"""
        [channels.{name}]
        type = "slack"
        bot_token = "{FakeSlack.BotToken}"
        channel = "C123"
        api_base_url = "{slack.ApiUrl}"

        """;

    public static string Discord(FakeDiscord discord, string name = "ops") => $"""
        [channels.{name}]
        type = "discord"
        webhook_url = "{discord.WebhookUrl}"

        """;

    public static string Webhook(FakeWebhookReceiver hook, string name = "hook") => $"""
        [channels.{name}]
        type = "webhook"
        url = "{hook.Url}"
        secret = "{FakeWebhookReceiver.Secret}"

        """;

    public static object Notify(string kind, string text, string correlationId, string? session = null, object? actions = null) => new
    {
        name = "gateway/notify.requested",
        data = new { kind, text, correlationId, session, actions },
    };
}
