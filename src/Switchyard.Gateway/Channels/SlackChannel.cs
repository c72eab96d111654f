using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>Slack: <c>chat.postMessage</c> with a bot token (buttons as a Block Kit <c>actions</c> block; the
/// message's <c>ts</c> is the message id), or an incoming webhook, which answers a bare <c>ok</c> and so never
/// confirms a delivery. A small typed HttpClient: the Web API is one JSON POST here, and the official .NET SDKs do not
/// support a configurable base URL for the stub the tests run against.</summary>
public sealed class SlackChannel(ChannelConfig config, HttpClient http) : IChannel
{
    private static readonly Uri DefaultApi = new("https://slack.com/api/");

    /// <summary>Slack errors that mean "try again later".</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    };

    /// <inheritdoc />
    public string Name => Config.Name;

    /// <inheritdoc />
    public ChannelConfig Config { get; } = config;

    /// <inheritdoc />
    public ChannelHealth Health { get; } = new();

    /// <inheritdoc />
    public async Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (Config.BotToken is not null) return await PostMessageAsync(message, cancellationToken);
            if (Config.WebhookUrl is not null) return await WebhookAsync(message, cancellationToken);
            throw new ChannelSendException($"slack channel {Name} has neither bot_token nor webhook_url: it only receives", false);
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException($"slack unreachable: {ex.Message}", true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException("slack timed out", true, ex);
        }
    }

    private async Task<ChannelReceipt> PostMessageAsync(OutboundMessage message, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["channel"] = message.ChatId ?? Config.ChatId,
            ["text"] = message.Text,
            ["metadata"] = new JsonObject { ["event_type"] = "switchyard_notification", ["event_payload"] = new JsonObject { ["correlationId"] = message.CorrelationId } },
        };
        if (message.ReplyToMessageId is not null) body["thread_ts"] = message.ReplyToMessageId;
        if (message.Actions.Count > 0)
        {
            body["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = message.Text } },
                new JsonObject
                {
                    ["type"] = "actions",
                    ["elements"] = new JsonArray(message.Actions.Select((a, i) => (JsonNode)new JsonObject
                    {
                        ["type"] = "button", ["action_id"] = $"switchyard_{i}", ["value"] = a.Data,
                        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = a.Label },
                    }).ToArray()),
                });
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Api, "chat.postMessage")) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Config.BotToken);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            throw new ChannelSendException($"slack chat.postMessage answered {(int)response.StatusCode}", true);
        var json = Parse(text);
        if (json?["ok"]?.GetValue<bool>() != true)
        {
            var error = json?["error"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode}: {Cut(text)}";
            throw new ChannelSendException($"slack chat.postMessage failed: {error}", Transient.Contains(error));
        }
        return new ChannelReceipt("slack", json["ts"]?.GetValue<string>(), json["channel"]?.GetValue<string>() ?? message.ChatId ?? Config.ChatId);
    }

    private async Task<ChannelReceipt> WebhookAsync(OutboundMessage message, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(Config.WebhookUrl, new { text = message.Text }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new ChannelSendException($"slack webhook answered {(int)response.StatusCode}: {Cut(text)}", response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500);
        return new ChannelReceipt("slack", null, null);
    }

    private Uri Api => Config.ApiBaseUrl is { } u ? new Uri(u.AbsoluteUri.TrimEnd('/') + "/") : DefaultApi;

    private static JsonNode? Parse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
