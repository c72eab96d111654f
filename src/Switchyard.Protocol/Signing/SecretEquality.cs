using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Protocol.Signing;

/// <summary>Compares a presented credential with a configured secret in constant time: the answer's timing reveals
/// neither how much of the secret was right nor how long the secret is.</summary>
public static class SecretEquality
{
    /// <summary>True when <paramref name="presented"/> equals <paramref name="secret"/>; an empty secret matches nothing.</summary>
    public static bool Matches(string presented, string? secret) =>
        !string.IsNullOrEmpty(secret) && CryptographicOperations.FixedTimeEquals(Digest(presented), Digest(secret));

    /// <summary>The fixed-length form credentials are compared in. FixedTimeEquals returns at once when the lengths
    /// differ, which would time the secret's length; SHA-256 digests are always 32 bytes.</summary>
    public static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
