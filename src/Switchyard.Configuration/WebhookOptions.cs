using System.Globalization;

namespace Switchyard.Configuration;

/// <summary>Settings of webhook ingress (<c>POST /webhooks/{provider}</c>): the <c>[webhooks]</c> table of
/// <c>yard.toml</c>, or <c>SWITCHYARD_WEBHOOKS__*</c> variables (e.g. <c>SWITCHYARD_WEBHOOKS__GITHUB_SECRET</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Largest accepted delivery body, in bytes (413 above).</summary>
    public long MaxBodyBytes { get; set; } = 256 * 1024;
    /// <summary>Secret of the GitHub webhook (HMAC-SHA256 key of <c>X-Hub-Signature-256</c>).</summary>
    public string GithubSecret { get; set; } = "";
    /// <summary>Stripe endpoint signing secret (<c>whsec_…</c>).</summary>
    public string StripeSecret { get; set; } = "";
    /// <summary>Slack app signing secret.</summary>
    public string SlackSecret { get; set; } = "";
    /// <summary>How far a signed timestamp may be from the server's clock (Stripe, Slack, generic providers with a
    /// timestamp header); older deliveries are replays.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Failed verifications from one remote address within <see cref="FailureWindow"/> before it gets 429.</summary>
    public int FailureLimit { get; set; } = 20;
    /// <summary>Sliding window of <see cref="FailureLimit"/>.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Providers declared in configuration, by name (<c>[webhooks.providers.NAME]</c>); the name is the
    /// path segment and the event prefix.</summary>
    public Dictionary<string, GenericWebhookOptions> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A summary without secrets: <c>yard config</c> prints options with <c>ToString</c>.</summary>
    public override string ToString()
    {
        static string State(string secret) => string.IsNullOrEmpty(secret) ? "unset" : "set";
        var generic = Providers.Count == 0 ? "none" : string.Join(" ", Providers.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key.ToLowerInvariant()}(secret {State(p.Value.Secret)})"));
        return string.Create(CultureInfo.InvariantCulture,
            $"max_body_bytes={MaxBodyBytes} github_secret={State(GithubSecret)} stripe_secret={State(StripeSecret)} slack_secret={State(SlackSecret)} providers={generic}");
    }
}
