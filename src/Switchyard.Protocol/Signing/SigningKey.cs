using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Protocol.Signing;

/// <summary>Signing keys in the Inngest form <c>signkey-&lt;env&gt;-&lt;hex&gt;</c>.</summary>
public static partial class SigningKey
{
    /// <summary>The HMAC secret of a key: its text with the <c>signkey-&lt;env&gt;-</c> prefix removed. The hex text
    /// itself is the secret (its UTF-8 bytes), not the bytes it spells.</summary>
    public static string Secret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key[Prefix(key).Length..];
    }

    /// <summary>The form apps present as <c>Authorization: Bearer</c> to the server:
    /// <c>signkey-&lt;env&gt;-&lt;hex SHA-256 of the hex-decoded secret&gt;</c>, prefix kept. A secret that is not
    /// even-length hex is hashed as UTF-8 text instead (the JS SDK would mangle it; such keys are not issued).</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = Prefix(key);
        var secret = key[prefix.Length..];
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(secret);
        }
        catch (FormatException)
        {
            bytes = Encoding.UTF8.GetBytes(secret);
        }
        return prefix + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    // JS's \w is ASCII-only; .NET's is not, hence the explicit class.
    [GeneratedRegex("^signkey-[A-Za-z0-9_]+-", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();

    private static string Prefix(string key) => PrefixPattern().Match(key) is { Success: true } m ? m.Value : "";
}
