namespace Switchyard.Gateway.Configuration;

/// <summary>One <c>[channels.NAME]</c> table. Which keys apply depends on <see cref="Type"/>; the loader rejects keys
/// a type does not use.</summary>
public sealed record ChannelConfig
{
    /// <summary>The channel's name (the table key), used in routes, mutes and events.</summary>
    public required string Name { get; init; }

    /// <summary>telegram, slack, discord, webhook, console or file.</summary>
    public required string Type { get; init; }

    /// <summary>False keeps the channel configured but unused (health <c>disabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Telegram bot token (<c>123456:ABC…</c>).</summary>
    public string? Token { get; init; }

    /// <summary>Telegram chat id, or Slack channel id, that notifications go to.</summary>
    public string? ChatId { get; init; }

    /// <summary>Platform API base URL (Telegram: <c>https://api.telegram.org</c>; Slack: <c>https://slack.com/api</c>).</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>Slack bot token (<c>xoxb-…</c>) for chat.postMessage.</summary>
    public string? BotToken { get; init; }

    /// <summary>Slack incoming webhook or Discord webhook URL.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Slack signing secret for the inbound Events API endpoint.</summary>
    public string? SigningSecret { get; init; }

    /// <summary>Generic webhook target URL.</summary>
    public Uri? Url { get; init; }

    /// <summary>Generic webhook HMAC-SHA256 secret.</summary>
    public string? Secret { get; init; }

    /// <summary>File channel: the JSON-lines file notifications are appended to.</summary>
    public string? Path { get; init; }

    /// <summary>Platform user ids whose inbound messages become events; everyone else is recorded and dropped.</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>Telegram: long-poll getUpdates for inbound messages (one poller per bot, by lease).</summary>
    public bool Poll { get; init; }

    /// <summary>Telegram getUpdates long-poll timeout.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Consecutive poll failures after which the poller is restarted with a fresh client.</summary>
    public int FailuresBeforeRestart { get; init; } = 3;

    /// <summary>Channels that poll or take inbound messages.</summary>
    public bool Inbound => Poll || !string.IsNullOrEmpty(SigningSecret);
}
