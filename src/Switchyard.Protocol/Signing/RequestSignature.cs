using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Switchyard.Protocol.Signing;

/// <summary>The <c>X-Inngest-Signature: t=&lt;unix seconds&gt;&amp;s=&lt;hex&gt;</c> of requests from the server to
/// apps: <c>s = hex(HMAC-SHA256(key secret, JCS(body) + t))</c>. The SDKs re-parse the body and sign its canonical
/// form, so what is signed is the canonical JSON whatever bytes travel; an empty body signs the empty string.</summary>
public static class RequestSignature
{
    /// <summary>How far a signature's timestamp may be from now, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>The header value signing <paramref name="canonicalBody"/> (already canonical JSON, or empty) at
    /// <paramref name="at"/> with <paramref name="signingKey"/>.</summary>
    public static string Create(ReadOnlySpan<byte> canonicalBody, string signingKey, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t}&s={Mac(canonicalBody, t, signingKey)}";
    }

    /// <summary>Checks <paramref name="header"/> against the body as received, with the current key and then the
    /// fallback key, as the SDKs do.</summary>
    /// <param name="header">The <c>X-Inngest-Signature</c> value, or null when absent.</param>
    /// <param name="body">The raw request body; it is canonicalized before checking.</param>
    /// <param name="signingKey">The current key.</param>
    /// <param name="fallbackKey">The previous key accepted during rotation, if any.</param>
    /// <param name="now">The current time.</param>
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, string signingKey, string? fallbackKey, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Fail("no signature");
        if (!TryParse(header, out var t, out var s)) return SignatureCheck.Fail("malformed signature");
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Window.TotalSeconds)
            return SignatureCheck.Fail("signature expired");

        byte[] canonical;
        try
        {
            canonical = SignedBytes(body);
        }
        catch (JsonException)
        {
            return SignatureCheck.Fail("body is not JSON");
        }
        var presented = Encoding.ASCII.GetBytes(s);
        foreach (var key in new[] { signingKey, fallbackKey })
        {
            if (string.IsNullOrEmpty(key)) continue;
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Mac(canonical, t, key))))
                return new SignatureCheck(true, key, null);
        }
        return SignatureCheck.Fail("signature does not match");
    }

    /// <summary>What the SDKs sign for a received body: nothing for an empty body, the text itself for a JSON
    /// string, else the canonical form.</summary>
    private static byte[] SignedBytes(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return [];
        using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 512 });
        return document.RootElement.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(CanonicalJson.StringValue(document.RootElement))
            : Encoding.UTF8.GetBytes(CanonicalJson.Serialize(document.RootElement));
    }

    private static bool TryParse(string header, out string t, out string s)
    {
        t = s = "";
        foreach (var part in header.Split('&'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) continue;
            var name = part[..eq].Trim();
            var value = Uri.UnescapeDataString(part[(eq + 1)..].Trim());
            if (name == "t" && t.Length == 0) t = value;
            else if (name == "s" && s.Length == 0) s = value;
        }
        return t.Length > 0 && s.Length > 0;
    }

    private static string Mac(ReadOnlySpan<byte> canonicalBody, string t, string signingKey)
    {
        var tBytes = Encoding.ASCII.GetBytes(t);
        var message = new byte[canonicalBody.Length + tBytes.Length];
        canonicalBody.CopyTo(message);
        tBytes.CopyTo(message, canonicalBody.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey.Secret(signingKey)), message));
    }
}
