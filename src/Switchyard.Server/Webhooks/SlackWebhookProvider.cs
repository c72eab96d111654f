using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>Slack (Events API): <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256 of v0:&lt;X-Slack-Request-Timestamp&gt;:&lt;body&gt;&gt;</c>
/// within the tolerance. Answers <c>url_verification</c> with its challenge; an <c>event_callback</c> becomes
/// <c>slack/&lt;event.type&gt;</c> (e.g. <c>slack/message</c>) with <c>event_id</c> as the event id, so Slack's retries
/// are stored once.</summary>
public sealed class SlackWebhookProvider(WebhookOptions options) : IWebhookProvider
{
    private const string SignatureHeader = "X-Slack-Signature";
    private const string TimestampHeader = "X-Slack-Request-Timestamp";
    private const string Version = "v0";

    /// <inheritdoc />
    public string Name => "slack";

    /// <inheritdoc />
    public bool SecretConfigured => !string.IsNullOrEmpty(options.SlackSecret);

    /// <inheritdoc />
    public string SecretSetting => "SWITCHYARD_WEBHOOKS__SLACK_SECRET (slack_secret in [webhooks] of yard.toml; the app's signing secret)";

    /// <inheritdoc />
    public WebhookVerification Verify(WebhookRequest request)
    {
        if (!SecretConfigured) return WebhookVerification.Fail(((IWebhookProvider)this).Problem!);
        var header = request.Header(SignatureHeader);
        if (header is null) return WebhookVerification.Fail($"missing {SignatureHeader} header");
        if (!header.StartsWith(Version + "=", StringComparison.Ordinal)) return WebhookVerification.Fail($"{SignatureHeader} must be {Version}=<hex>");
        var timestamp = request.Header(TimestampHeader);
        if (WebhookTimestamp.Problem(timestamp, TimestampHeader, request.ReceivedAt, options.TimestampTolerance) is { } stale)
            return WebhookVerification.Fail(stale);
        var expected = WebhookSignature.Hmac(HashAlgorithmName.SHA256, options.SlackSecret, Encoding.UTF8.GetBytes($"{Version}:{timestamp!.Trim()}:"), request.Body);
        return WebhookSignature.HexMatches(header[(Version.Length + 1)..], expected)
            ? WebhookVerification.Ok
            : WebhookVerification.Fail($"{SignatureHeader} does not match the request signed with the configured secret");
    }

    /// <inheritdoc />
    public WebhookChallenge? Challenge(WebhookRequest request, JsonNode payload) =>
        PayloadPath.Text(PayloadPath.Select(payload, "type")) == "url_verification"
            ? new WebhookChallenge(PayloadPath.Text(PayloadPath.Select(payload, "challenge")) ?? throw new WebhookPayloadException("url_verification has no 'challenge'"))
            : null;

    /// <inheritdoc />
    public IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload)
    {
        var type = PayloadPath.Text(PayloadPath.Select(payload, "type"));
        switch (type)
        {
            case "event_callback":
                var name = PayloadPath.Text(PayloadPath.Select(payload, "event.type"));
                if (string.IsNullOrEmpty(name)) throw new WebhookPayloadException("event_callback has no string 'event.type'");
                return [WebhookEvent.FromPayload(name, payload, PayloadPath.Text(PayloadPath.Select(payload, "event_id")))];
            case "app_rate_limited":
                // Slack's notice that it is dropping events; nothing to run.
                return [];
            case null or "":
                throw new WebhookPayloadException("payload has no string 'type'");
            default:
                return [WebhookEvent.FromPayload(type, payload, null)];
        }
    }
}
