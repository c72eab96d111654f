using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>Stripe: <c>Stripe-Signature: t=&lt;unix s&gt;,v1=&lt;hex&gt;[,v1=…]</c>, HMAC-SHA256 of
/// <c>&lt;t&gt;.&lt;body&gt;</c>; any one v1 may match (several appear while a secret rolls), and <c>t</c> must be
/// within the tolerance. Emits <c>stripe/&lt;type&gt;</c> (e.g. <c>stripe/invoice.paid</c>) with the event object as
/// data and its <c>id</c> (<c>evt_…</c>, kept on retries) as the event id.</summary>
public sealed class StripeWebhookProvider(WebhookOptions options) : IWebhookProvider
{
    private const string SignatureHeader = "Stripe-Signature";

    /// <inheritdoc />
    public string Name => "stripe";

    /// <inheritdoc />
    public bool SecretConfigured => !string.IsNullOrEmpty(options.StripeSecret);

    /// <inheritdoc />
    public string SecretSetting => "SWITCHYARD_WEBHOOKS__STRIPE_SECRET (stripe_secret in [webhooks] of yard.toml)";

    /// <inheritdoc />
    public WebhookVerification Verify(WebhookRequest request)
    {
        if (!SecretConfigured) return WebhookVerification.Fail(((IWebhookProvider)this).Problem!);
        var header = request.Header(SignatureHeader);
        if (header is null) return WebhookVerification.Fail($"missing {SignatureHeader} header");
        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var item in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (key, value) = (item[..eq], item[(eq + 1)..]);
            if (key == "t") timestamp = value;
            else if (key == "v1") signatures.Add(value);
        }
        if (timestamp is null || signatures.Count == 0) return WebhookVerification.Fail($"{SignatureHeader} must carry t=<timestamp> and at least one v1=<signature>");
        if (WebhookTimestamp.Problem(timestamp, $"{SignatureHeader} t", request.ReceivedAt, options.TimestampTolerance) is { } stale)
            return WebhookVerification.Fail(stale);
        var expected = WebhookSignature.Hmac(HashAlgorithmName.SHA256, options.StripeSecret, Encoding.UTF8.GetBytes(timestamp + "."), request.Body);
        var matched = false;
        // Every candidate is checked, so timing does not tell which one (if any) was right.
        foreach (var signature in signatures) matched |= WebhookSignature.HexMatches(signature, expected);
        return matched ? WebhookVerification.Ok : WebhookVerification.Fail($"no v1 signature in {SignatureHeader} matches the body signed with the configured secret");
    }

    /// <inheritdoc />
    public IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload)
    {
        var type = PayloadPath.Text(PayloadPath.Select(payload, "type"));
        if (string.IsNullOrEmpty(type)) throw new WebhookPayloadException("payload has no string 'type' (e.g. invoice.paid)");
        return [WebhookEvent.FromPayload(type, payload, PayloadPath.Text(PayloadPath.Select(payload, "id")))];
    }
}
