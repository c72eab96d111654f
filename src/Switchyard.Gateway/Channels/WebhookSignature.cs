using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Gateway.Channels;

/// <summary>The generic webhook channel's signature: <c>X-Switchyard-Signature: sha256=&lt;hex HMAC-SHA256(secret,
/// "&lt;X-Switchyard-Timestamp&gt;.&lt;body&gt;")&gt;</c>, with the timestamp in Unix seconds, so a receiver can
/// refuse replays. Also used to verify Slack's <c>v0</c> signatures, which have the same shape.</summary>
public static class WebhookSignature
{
    /// <summary>Header carrying the signature.</summary>
    public const string SignatureHeader = "X-Switchyard-Signature";

    /// <summary>Header carrying the signed timestamp.</summary>
    public const string TimestampHeader = "X-Switchyard-Timestamp";

    /// <summary>Hex HMAC-SHA256 of <c>prefix + body</c>.</summary>
    public static string Hex(string secret, string prefix, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(prefix);
        var data = new byte[head.Length + body.Length];
        head.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(head.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }

    /// <summary>The <c>sha256=…</c> value for a body sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        "sha256=" + Hex(secret, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".", body);

    /// <summary>Constant-time comparison of two hex strings.</summary>
    public static bool HexEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented.Trim().ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));
}
