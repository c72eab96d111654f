using System.Security.Cryptography;

namespace Switchyard.Server.Webhooks;

/// <summary>HMAC signatures as webhook providers compute them, and constant-time checks of presented ones, so
/// response timing does not reveal how much of a forged signature was right.</summary>
public static class WebhookSignature
{
    /// <summary>HMAC of the concatenated <paramref name="parts"/> keyed with the UTF-8 bytes of <paramref name="secret"/>.</summary>
    /// <exception cref="ArgumentException">The secret is empty.</exception>
    public static byte[] Hmac(HashAlgorithmName algorithm, string secret, params ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        using var hmac = IncrementalHash.CreateHMAC(algorithm, System.Text.Encoding.UTF8.GetBytes(secret));
        foreach (var part in parts) hmac.AppendData(part.Span);
        return hmac.GetHashAndReset();
    }

    /// <summary>True when <paramref name="presented"/> is the hex encoding (either case) of <paramref name="expected"/>.</summary>
    public static bool HexMatches(string? presented, ReadOnlySpan<byte> expected)
    {
        var text = presented?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length != expected.Length * 2) return false;
        byte[] bytes;
        try { bytes = Convert.FromHexString(text); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(bytes, expected);
    }

    /// <summary>True when <paramref name="presented"/> is the base64 encoding of <paramref name="expected"/>.</summary>
    public static bool Base64Matches(string? presented, ReadOnlySpan<byte> expected)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        var bytes = new byte[(presented.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(presented.Trim(), bytes, out var written) &&
            CryptographicOperations.FixedTimeEquals(bytes.AsSpan(0, written), expected);
    }
}
