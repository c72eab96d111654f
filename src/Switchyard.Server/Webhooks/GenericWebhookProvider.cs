using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>A provider declared in configuration (<see cref="GenericWebhookOptions"/>): an HMAC over the body, or over
/// a template of a timestamp header and the body, in hex or base64, optionally after a prefix. A misconfigured one
/// rejects every delivery and says what to fix.</summary>
public sealed class GenericWebhookProvider : IWebhookProvider
{
    private readonly GenericWebhookOptions _options;
    private readonly TimeSpan _tolerance;
    private readonly HashAlgorithmName _algorithm;
    private readonly string? _configurationProblem;

    /// <summary>Creates the provider <paramref name="name"/> (lower-cased) from its options.</summary>
    public GenericWebhookProvider(string name, GenericWebhookOptions options, TimeSpan tolerance)
    {
        Name = name.ToLowerInvariant();
        _options = options;
        _tolerance = tolerance;
        var setting = $"webhooks.providers.{Name}";
        (_algorithm, var badAlgorithm) = options.Algorithm.Trim().ToLowerInvariant() switch
        {
            "sha256" or "sha-256" or "" => (HashAlgorithmName.SHA256, false),
            "sha1" or "sha-1" => (HashAlgorithmName.SHA1, false),
            "sha512" or "sha-512" => (HashAlgorithmName.SHA512, false),
            _ => (default, true),
        };
        _configurationProblem =
            string.IsNullOrWhiteSpace(options.Header) ? $"{setting}.header is not set: name the header that carries the signature" :
            badAlgorithm ? $"{setting}.algorithm is '{options.Algorithm}': use sha1, sha256 or sha512" :
            options.Encoding.Trim().ToLowerInvariant() is not ("hex" or "base64" or "") ? $"{setting}.encoding is '{options.Encoding}': use hex or base64" :
            options.Signed.Contains("{timestamp}", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(options.TimestampHeader)
                ? $"{setting}.signed uses {{timestamp}} but {setting}.timestamp_header is not set" :
            string.IsNullOrWhiteSpace(options.Event) ? $"{setting}.event is empty: give an event name template such as {{type}}" :
            null;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool SecretConfigured => !string.IsNullOrEmpty(_options.Secret);

    /// <inheritdoc />
    public string SecretSetting =>
        $"SWITCHYARD_WEBHOOKS__PROVIDERS__{Name.ToUpperInvariant()}__SECRET (secret in [webhooks.providers.{Name}] of yard.toml)";

    /// <inheritdoc />
    public string? Problem => _configurationProblem ?? (SecretConfigured ? null : $"webhook provider '{Name}' has no secret configured: set {SecretSetting}");

    /// <inheritdoc />
    public WebhookVerification Verify(WebhookRequest request)
    {
        if (Problem is { } problem) return WebhookVerification.Fail(problem);
        var presented = request.Header(_options.Header);
        if (presented is null) return WebhookVerification.Fail($"missing {_options.Header} header");
        if (_options.Prefix.Length > 0)
        {
            if (!presented.StartsWith(_options.Prefix, StringComparison.Ordinal)) return WebhookVerification.Fail($"{_options.Header} must start with {_options.Prefix}");
            presented = presented[_options.Prefix.Length..];
        }
        string? timestamp = null;
        if (!string.IsNullOrWhiteSpace(_options.TimestampHeader))
        {
            timestamp = request.Header(_options.TimestampHeader);
            if (WebhookTimestamp.Problem(timestamp, _options.TimestampHeader, request.ReceivedAt, _tolerance) is { } stale)
                return WebhookVerification.Fail(stale);
            timestamp = timestamp!.Trim();
        }
        var expected = WebhookSignature.Hmac(_algorithm, _options.Secret, SignedParts(request.Body, timestamp));
        var matches = _options.Encoding.Trim().Equals("base64", StringComparison.OrdinalIgnoreCase)
            ? WebhookSignature.Base64Matches(presented, expected)
            : WebhookSignature.HexMatches(presented, expected);
        return matches ? WebhookVerification.Ok : WebhookVerification.Fail($"{_options.Header} does not match the body signed with the configured secret");
    }

    /// <inheritdoc />
    public IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload)
    {
        var name = PayloadPath.Render(_options.Event, payload, request, out var missing)
            ?? throw new WebhookPayloadException($"the delivery has no value for {{{missing}}} (webhooks.providers.{Name}.event is '{_options.Event}')");
        var id = !string.IsNullOrWhiteSpace(_options.IdHeader) ? request.Header(_options.IdHeader)
            : !string.IsNullOrWhiteSpace(_options.IdPath) ? PayloadPath.Text(PayloadPath.Select(payload, _options.IdPath.Trim()))
            : null;
        return [WebhookEvent.FromPayload(name, payload, id)];
    }

    /// <summary>The signed bytes as pieces: the template's text around <c>{timestamp}</c> and <c>{body}</c>.</summary>
    private ReadOnlyMemory<byte>[] SignedParts(ReadOnlyMemory<byte> body, string? timestamp)
    {
        var template = string.IsNullOrEmpty(_options.Signed) ? "{body}" : _options.Signed;
        var parts = new List<ReadOnlyMemory<byte>>();
        var rest = template.Replace("{timestamp}", timestamp ?? "", StringComparison.Ordinal);
        var segments = rest.Split("{body}");
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0) parts.Add(body);
            if (segments[i].Length > 0) parts.Add(Encoding.UTF8.GetBytes(segments[i]));
        }
        return [.. parts];
    }
}
