namespace Switchyard.Server.Webhooks;

/// <summary>The answer to a provider's handshake, sent as the 200 body instead of emitting events.</summary>
/// <param name="Body">Response body.</param>
/// <param name="ContentType">Its content type.</param>
public sealed record WebhookChallenge(string Body, string ContentType = "text/plain");
