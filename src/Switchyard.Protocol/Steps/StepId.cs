using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Protocol.Steps;

/// <summary>Step-id hashing: lowercase hex SHA-1 of the user's step id; the k-th repeat of an id within one run
/// hashes <c>"id:k"</c>.</summary>
public static class StepId
{
    /// <summary>The step id used for discovery calls.</summary>
    public const string Discovery = "step";

    /// <summary>Hash of the pseudo-step <c>complete</c> used by <c>RunComplete</c>.</summary>
    public static readonly string Complete = Hash("complete");

    /// <summary>Lowercase hex SHA-1 of the UTF-8 bytes of <paramref name="userId"/>.</summary>
    public static string Hash(string userId)
    {
        Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
        // SHA-1 is what the protocol prescribes for ids (not for security).
#pragma warning disable CA5350
        SHA1.HashData(Encoding.UTF8.GetBytes(userId), digest);
#pragma warning restore CA5350
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Hash of the <paramref name="index"/>-th repeat (0 = first occurrence, no suffix).</summary>
    public static string Hash(string userId, int index) => index == 0 ? Hash(userId) : Hash($"{userId}:{index}");
}
