using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Server.Api;

/// <summary>Checks presented credentials (event keys, API tokens, signing-key bearers) against configured secrets in
/// constant time, so response timing does not reveal how much of a secret was right, nor how long it is.</summary>
internal static class Credential
{
    /// <summary>True when <paramref name="presented"/> equals any non-empty secret. Every secret is compared.</summary>
    public static bool MatchesAny(string presented, IEnumerable<string> secrets)
    {
        // FixedTimeEquals returns at once when the lengths differ, which would time the secret's length; SHA-256
        // digests are always 32 bytes, so the comparison takes the same time whatever was presented.
        var digest = Digest(presented);
        var found = false;
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret)) found |= CryptographicOperations.FixedTimeEquals(digest, Digest(secret));
        return found;
    }

    /// <summary>The fixed-length form credentials are compared in.</summary>
    internal static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or empty.</summary>
    public static string Bearer(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
}
