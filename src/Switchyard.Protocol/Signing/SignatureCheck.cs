namespace Switchyard.Protocol.Signing;

/// <summary>Outcome of checking an <c>X-Inngest-Signature</c> header.</summary>
/// <param name="Valid">True when the signature matched a key within the time window.</param>
/// <param name="KeyUsed">The key that matched (the current or the fallback key), when valid.</param>
/// <param name="Problem">Why the check failed, when it did: missing, malformed, expired, or no key matched.</param>
public sealed record SignatureCheck(bool Valid, string? KeyUsed, string? Problem)
{
    internal static SignatureCheck Fail(string problem) => new(false, null, problem);
}
