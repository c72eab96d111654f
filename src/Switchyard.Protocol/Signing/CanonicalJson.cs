using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Signing;

/// <summary>RFC 8785 JSON Canonicalization Scheme (JCS), as the <c>canonicalize</c> package the Inngest SDKs sign
/// with produces it: object keys sorted by UTF-16 code units, no whitespace, ECMAScript number formatting, strings
/// with only the escapes <c>JSON.stringify</c> makes (non-ASCII characters stay literal). Where JSON.parse and
/// JCS disagree on odd input, this follows what the JS SDK computes, since that is what a signature is checked
/// against: a repeated key keeps its last value, and a number too large for a double becomes <c>null</c>.</summary>
public static class CanonicalJson
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 512 };

    /// <summary>The canonical UTF-8 form of the JSON text <paramref name="utf8Json"/>.</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json) => Encoding.UTF8.GetBytes(CanonicalizeToString(utf8Json));

    /// <summary>The canonical form of the JSON text <paramref name="utf8Json"/>, as a string.</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static string CanonicalizeToString(ReadOnlySpan<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json.ToArray(), ParseOptions);
        return Serialize(document.RootElement);
    }

    /// <summary>The canonical form of <paramref name="element"/>.</summary>
    public static string Serialize(JsonElement element)
    {
        var sb = new StringBuilder();
        Write(sb, element);
        return sb.ToString();
    }

    /// <summary>The canonical form of <paramref name="node"/> (<c>null</c> for a null node).</summary>
    public static string Serialize(JsonNode? node)
    {
        if (node is null) return "null";
        using var document = JsonDocument.Parse(node.ToJsonString(), ParseOptions);
        return Serialize(document.RootElement);
    }

    private static void Write(StringBuilder sb, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(sb, element);
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, StringValue(element));
                break;
            case JsonValueKind.Number:
                WriteNumber(sb, element);
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void WriteObject(StringBuilder sb, JsonElement element)
    {
        // JSON.parse keeps the last of repeated keys.
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject()) properties[Name(property)] = property.Value;
        var keys = properties.Keys.ToArray();
        // Ordinal comparison of .NET strings is comparison of UTF-16 code units, which is what JCS sorts by.
        Array.Sort(keys, string.CompareOrdinal);
        sb.Append('{');
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0) sb.Append(',');
            WriteString(sb, keys[i]);
            sb.Append(':');
            Write(sb, properties[keys[i]]);
        }
        sb.Append('}');
    }

    // System.Text.Json refuses to materialize strings holding unpaired surrogates (legal JSON, and JSON.parse keeps
    // them), so those few are decoded from the raw text instead.
    internal static string StringValue(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Unescape(element.GetRawText());
        }
    }

    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return Unescape(property.ToString()); // the raw "name": value text
        }
    }

    /// <summary>Decodes the JSON string literal at the start of <paramref name="raw"/> (already validated by the
    /// parser), keeping unpaired surrogates.</summary>
    private static string Unescape(string raw)
    {
        var sb = new StringBuilder();
        for (var i = 1; i < raw.Length && raw[i] != '"'; i++)
        {
            if (raw[i] != '\\')
            {
                sb.Append(raw[i]);
                continue;
            }
            var e = raw[++i];
            switch (e)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }
        return sb.ToString();
    }

    private static void WriteNumber(StringBuilder sb, JsonElement element)
    {
        // A JSON number literal parses to the nearest double in both .NET and ECMAScript; overflow gives infinity,
        // which JSON.stringify writes as null.
        if (!element.TryGetDouble(out var value))
            value = double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        sb.Append(double.IsFinite(value) ? EcmaScriptNumber.Format(value) : "null");
    }

    /// <summary>Writes <paramref name="value"/> quoted, with JSON.stringify's escapes: <c>\"</c>, <c>\\</c>, the
    /// short forms of control characters, <c>\u00xx</c> for other characters below U+0020, and <c>\udxxx</c> for
    /// unpaired surrogates. Everything else, including non-ASCII, DEL, U+2028 and U+2029, is written as is.</summary>
    internal static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        AppendUnicodeEscape(sb, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        AppendUnicodeEscape(sb, c);
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
