using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Server.Api;

/// <summary>Checks presented credentials (event keys, API tokens, signing-key bearers) against configured secrets in
/// constant time, so response timing does not reveal how much of a secret was right.</summary>
internal static class Credential
{
    /// <summary>True when <paramref name="presented"/> equals any non-empty secret. Every secret is compared.</summary>
    public static bool MatchesAny(string presented, IEnumerable<string> secrets)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        var found = false;
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret)) found |= CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(secret));
        return found;
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or empty.</summary>
    public static string Bearer(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
}
