using System.Text.Json.Nodes;

namespace Switchyard.Server.Webhooks;

/// <summary>A service that posts signed deliveries to <c>POST /webhooks/{Name}</c>. Register an implementation as a
/// singleton <see cref="IWebhookProvider"/> to add one; a later registration with the same name replaces an earlier
/// one (built-ins, then providers declared in configuration, then yours).</summary>
public interface IWebhookProvider
{
    /// <summary>Lower-case name: the path segment and the prefix of the events it emits (<c>github</c> →
    /// <c>github/push</c>).</summary>
    string Name { get; }

    /// <summary>Whether the secret is set. Without it every delivery is rejected with <see cref="Problem"/>.</summary>
    bool SecretConfigured { get; }

    /// <summary>Where the secret is set, for messages, e.g. <c>SWITCHYARD_WEBHOOKS__GITHUB_SECRET</c>.</summary>
    string SecretSetting => "";

    /// <summary>Why the provider cannot accept deliveries (no secret, bad configuration), or null when it can.</summary>
    string? Problem => SecretConfigured ? null
        : string.IsNullOrEmpty(SecretSetting) ? $"webhook provider '{Name}' has no secret configured"
        : $"webhook provider '{Name}' has no secret configured: set {SecretSetting}";

    /// <summary>Checks the delivery's signature over the raw body. Must compare in constant time
    /// (<see cref="WebhookSignature"/>) and must fail when no secret is configured.</summary>
    WebhookVerification Verify(WebhookRequest request);

    /// <summary>Turns a verified delivery into 0..n events; names are without the <c>Name/</c> prefix.</summary>
    /// <exception cref="WebhookPayloadException">The payload lacks what the provider needs (answered 400).</exception>
    IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload);

    /// <summary>The answer to a verified handshake delivery (e.g. Slack's <c>url_verification</c>), or null when the
    /// delivery is an ordinary one.</summary>
    WebhookChallenge? Challenge(WebhookRequest request, JsonNode payload) => null;
}
