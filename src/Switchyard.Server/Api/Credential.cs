using Switchyard.Protocol.Signing;

namespace Switchyard.Server.Api;

/// <summary>Checks presented credentials (event keys, API tokens, signing-key bearers) against configured secrets in
/// constant time, so response timing does not reveal how much of a secret was right, nor how long it is.</summary>
internal static class Credential
{
    /// <summary>True when <paramref name="presented"/> equals any non-empty secret. Every secret is compared.</summary>
    public static bool MatchesAny(string presented, IEnumerable<string> secrets)
    {
        var found = false;
        foreach (var secret in secrets) found |= SecretEquality.Matches(presented, secret);
        return found;
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or empty.</summary>
    public static string Bearer(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
}
