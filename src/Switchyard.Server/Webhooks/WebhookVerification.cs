namespace Switchyard.Server.Webhooks;

/// <summary>The outcome of checking a delivery's signature.</summary>
/// <param name="Valid">True when the signature matches.</param>
/// <param name="Problem">Why it was rejected (answered with the 401), null when valid.</param>
public sealed record WebhookVerification(bool Valid, string? Problem)
{
    /// <summary>A valid signature.</summary>
    public static WebhookVerification Ok { get; } = new(true, null);

    /// <summary>A rejection saying why.</summary>
    public static WebhookVerification Fail(string problem) => new(false, problem);
}
