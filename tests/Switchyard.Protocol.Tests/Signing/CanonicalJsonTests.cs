using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol.Signing;

namespace Switchyard.Protocol.Tests.Signing;

public sealed class CanonicalJsonTests
{
    private static string Canon(string json) => CanonicalJson.CanonicalizeToString(Encoding.UTF8.GetBytes(json));

    // Expected outputs below were produced by node 20 with the `canonicalize` package the inngest SDK signs with.
    [Fact]
    public void The_rfc_8785_example_matches_the_js_canonicalizer()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        Assert.Equal("""{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""", Canon(input));
    }

    [Fact]
    public void Keys_are_sorted_by_utf16_code_units()
    {
        const string input = """{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew","1":"One","\ud83d\ude00":"Emoji","\u0080":"Control","\u00f6":"o"}""";
        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"o\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji\",\"\ufb33\":\"Hebrew\"}", Canon(input));
    }

    [Fact]
    public void Nested_objects_are_sorted_at_every_level_and_arrays_keep_their_order()
    {
        Assert.Equal("""{"a":{"x":[3,1,{"b":1,"c":2}],"y":null},"b":[]}""", Canon("""{ "b" : [ ], "a" : { "y" : null, "x" : [3, 1, {"c":2,"b":1}] } }"""));
        Assert.Equal("""{"10":1,"2":2,"A":3,"a":4,"aa":5,"b":6}""", Canon("""{"b":6,"aa":5,"a":4,"A":3,"2":2,"10":1}"""));
    }

    [Fact]
    public void A_repeated_key_keeps_its_last_value_as_json_parse_does()
    {
        Assert.Equal("{\"a\":2,\"e\":\"é<>&'\",\"s\":\"\\ud800x\u007f\u2028\\u0000\\u001f\\b\\f\\t\"}",
            Canon("""{"a":1,"a":2,"s":"\ud800x\u007f\u2028\u0000\u001f\b\f\t","e":"é<>&'"}"""));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("1.50", "1.5")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1E+21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("123e-9", "1.23e-7")]
    [InlineData("1e2", "100")]
    [InlineData("12345678901234567890", "12345678901234567000")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("1E400", "null")]
    [InlineData("-1E400", "null")]
    [InlineData("1e-400", "0")]
    [InlineData("5e-324", "5e-324")]
    public void Numbers_are_written_as_javascript_writes_them(string literal, string expected)
    {
        Assert.Equal(expected, Canon(literal));
        Assert.Equal($"[{expected}]", Canon($"[{literal}]"));
    }

    [Theory]
    [InlineData("\"\\u00e9\\u003C\\u003e\\u0026\\u0027\"", "\"é<>&'\"")]
    [InlineData("\"\\/\"", "\"/\"")]
    [InlineData("\"\\u0000\\u0001\\u001F\"", "\"\\u0000\\u0001\\u001f\"")]
    [InlineData("\"\\u0008\\u0009\\u000A\\u000C\\u000D\"", "\"\\b\\t\\n\\f\\r\"")]
    [InlineData("\"\\\"\\\\\"", "\"\\\"\\\\\"")]
    [InlineData("\"\\ud83d\\ude00\"", "\"😀\"")]
    [InlineData("\"\\udc00\"", "\"\\udc00\"")]
    [InlineData("\"a\\ud800\"", "\"a\\ud800\"")]
    [InlineData("\"日本語\"", "\"日本語\"")]
    public void Strings_carry_only_the_escapes_json_stringify_makes(string literal, string expected) =>
        Assert.Equal(expected, Canon(literal));

    [Fact]
    public void Unpaired_surrogates_in_keys_are_kept_and_sorted_by_code_unit()
    {
        Assert.Equal("{\"a\":2,\"\\udc00\":1,\"\uffff\":3}", Canon("{\"\\udc00\":1,\"\uffff\":3,\"a\":2}"));
    }

    [Fact]
    public void Control_and_separator_characters_beyond_ascii_stay_literal()
    {
        Assert.Equal("\"\u007f\u0080\u2028\u2029\ufeff\"", Canon("\"\\u007f\\u0080\\u2028\\u2029\\ufeff\""));
    }

    [Fact]
    public void Literals_and_whitespace()
    {
        Assert.Equal("null", Canon(" null "));
        Assert.Equal("[true,false,null]", Canon("[ true ,\n false,\tnull ]"));
        Assert.Equal("{}", Canon("{ }"));
        Assert.Equal("\"\"", Canon("\"\""));
    }

    [Fact]
    public void Invalid_json_is_rejected()
    {
        Assert.ThrowsAny<JsonException>(() => Canon("{"));
        Assert.ThrowsAny<JsonException>(() => Canon("{'a':1}"));
        Assert.ThrowsAny<JsonException>(() => Canon(""));
    }

    [Fact]
    public void A_json_node_is_canonicalized_like_its_text()
    {
        var node = new JsonObject { ["z"] = 1.0m, ["a"] = "é", ["m"] = new JsonArray(1e21, -0.0, null) };
        Assert.Equal("""{"a":"é","m":[1e+21,0,null],"z":1}""", CanonicalJson.Serialize(node));
        Assert.Equal("null", CanonicalJson.Serialize((JsonNode?)null));
    }

    /// <summary>Fuzz: random documents written in several equivalent ways (System.Text.Json's default escaping,
    /// relaxed escaping, indented, keys shuffled, numbers respelled) canonicalize to one text, which is
    /// idempotent, sorted, compact and parses back to the same value.</summary>
    [Fact]
    public void Equivalent_spellings_of_random_documents_have_one_canonical_form()
    {
        var random = new Random(8785);
        for (var i = 0; i < 1500; i++)
        {
            var document = RandomValue(random, depth: 0);
            var spellings = new[]
            {
                document?.ToJsonString() ?? "null",
                document?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null",
                document?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null",
                Respell(document, random),
            };
            var canonical = spellings.Select(Canon).ToList();
            Assert.All(canonical, c => Assert.Equal(canonical[0], c));

            var once = canonical[0];
            Assert.Equal(once, Canon(once));
            AssertSortedAndCompact(JsonDocument.Parse(once).RootElement, once);
            Assert.True(JsonEquivalent(JsonDocument.Parse(spellings[0]).RootElement, JsonDocument.Parse(once).RootElement), $"{spellings[0]} → {once}");
        }
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth >= 4 ? 5 : 7);
        switch (kind)
        {
            case 0: return null;
            case 1: return random.Next(2) == 0;
            case 2: return RandomNumber(random);
            case 3:
            case 4: return RandomString(random);
            case 5:
            {
                var array = new JsonArray();
                for (var i = random.Next(5); i > 0; i--) array.Add(RandomValue(random, depth + 1));
                return array;
            }
            default:
            {
                var obj = new JsonObject();
                for (var i = random.Next(6); i > 0; i--)
                {
                    var key = RandomString(random);
                    if (!obj.ContainsKey(key)) obj[key] = RandomValue(random, depth + 1);
                }
                return obj;
            }
        }
    }

    private static double RandomNumber(Random random) => random.Next(5) switch
    {
        0 => random.Next(-1000, 1000),
        1 => Math.Round(random.NextDouble() * 1000, random.Next(4)),
        2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)),
        3 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 0,
        _ => random.Next(2) == 0 ? 1e21 : -0.0,
    };

    private static string RandomString(Random random)
    {
        var sb = new StringBuilder();
        for (var i = random.Next(8); i > 0; i--)
        {
            switch (random.Next(7))
            {
                case 0: sb.Append((char)random.Next(0x20)); break;
                case 1: sb.Append("\"\\/'<>&"[random.Next(7)]); break;
                case 2: sb.Append((char)random.Next(0x80, 0x800)); break;
                case 3: sb.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF))); break;
                case 4: sb.Append((char)random.Next(0xE000, 0xFFFE)); break;
                case 5: sb.Append('\u2028'); break;
                default: sb.Append((char)random.Next(0x20, 0x7F)); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Writes the value by hand with keys shuffled, all non-ASCII escaped, and numbers in exponent form.</summary>
    private static string Respell(JsonNode? node, Random random)
    {
        switch (node)
        {
            case null: return "null";
            case JsonObject o:
                var pairs = o.Select(p => (p.Key, p.Value)).OrderBy(_ => random.Next()).ToList();
                return "{ " + string.Join(" , ", pairs.Select(p => EscapeAll(p.Key) + " :\n" + Respell(p.Value, random))) + " }";
            case JsonArray a:
                return "[\t" + string.Join(",\t", a.Select(v => Respell(v, random))) + "]";
            default:
                var v = node.AsValue();
                if (v.TryGetValue(out string? s)) return EscapeAll(s);
                if (v.TryGetValue(out bool b)) return b ? "true" : "false";
                var d = v.GetValue<double>();
                return d.ToString("E17", CultureInfo.InvariantCulture);
        }
    }

    private static string EscapeAll(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c is >= ' ' and < (char)0x7F and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:X4}");
        return sb.Append('"').ToString();
    }

    private static void AssertSortedAndCompact(JsonElement element, string text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = element.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal).ToList(), names);
                foreach (var p in element.EnumerateObject()) AssertSortedAndCompact(p.Value, text);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) AssertSortedAndCompact(item, text);
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                Assert.Equal(EcmaScriptNumber.Format(element.GetDouble()), raw);
                break;
        }
        // Line breaks and tabs are escaped inside strings and absent outside them.
        Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\t", text, StringComparison.Ordinal);
    }

    private static bool JsonEquivalent(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        return a.ValueKind switch
        {
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var q) && JsonEquivalent(p.Value, q)),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength()
                && a.EnumerateArray().Zip(b.EnumerateArray()).All(x => JsonEquivalent(x.First, x.Second)),
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Number => a.GetDouble() == b.GetDouble(),
            _ => true,
        };
    }
}
