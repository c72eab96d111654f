using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>. Emits
/// <c>github/&lt;X-GitHub-Event&gt;[.&lt;action&gt;]</c> (e.g. <c>github/workflow_run.completed</c>) with the
/// payload as data and <c>X-GitHub-Delivery</c> as the event id (redeliveries keep it).</summary>
public sealed class GithubWebhookProvider(WebhookOptions options) : IWebhookProvider
{
    private const string SignatureHeader = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    /// <inheritdoc />
    public string Name => "github";

    /// <inheritdoc />
    public bool SecretConfigured => !string.IsNullOrEmpty(options.GithubSecret);

    /// <inheritdoc />
    public string SecretSetting => "SWITCHYARD_WEBHOOKS__GITHUB_SECRET (github_secret in [webhooks] of yard.toml)";

    /// <inheritdoc />
    public WebhookVerification Verify(WebhookRequest request)
    {
        if (!SecretConfigured) return WebhookVerification.Fail(((IWebhookProvider)this).Problem!);
        var header = request.Header(SignatureHeader);
        if (header is null) return WebhookVerification.Fail($"missing {SignatureHeader} header");
        if (!header.StartsWith(Prefix, StringComparison.Ordinal)) return WebhookVerification.Fail($"{SignatureHeader} must be {Prefix}<hex>");
        var expected = WebhookSignature.Hmac(HashAlgorithmName.SHA256, options.GithubSecret, request.Body);
        return WebhookSignature.HexMatches(header[Prefix.Length..], expected)
            ? WebhookVerification.Ok
            : WebhookVerification.Fail($"{SignatureHeader} does not match the body signed with the configured secret");
    }

    /// <inheritdoc />
    public IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload)
    {
        var kind = request.Header("X-GitHub-Event") ?? throw new WebhookPayloadException("missing X-GitHub-Event header");
        var action = PayloadPath.Text(PayloadPath.Select(payload, "action"));
        var name = string.IsNullOrEmpty(action) ? kind : $"{kind}.{action}";
        return [WebhookEvent.FromPayload(name, payload, request.Header("X-GitHub-Delivery"))];
    }
}
