using System.Text;
using CsCheck;

namespace Switchyard.Testing;

/// <summary>Generated hostile request bodies and path segments for the fuzz tests (issue 21): valid bodies mutated by
/// truncation, deep nesting, duplicate keys, invalid UTF-8, lone surrogates, NUL bytes, wrong types, huge numbers,
/// NaN/Infinity, bad timestamps and oversize. Valid templates carry <see cref="Mark"/>, which the caller replaces with
/// a per-request marker, so whatever a request got stored can be traced back to it.</summary>
public static class HostileInput
{
    /// <summary>The placeholder in the templates for the request's marker.</summary>
    public const string Mark = "MARK";

    private static readonly string[] Valid =
    [
        """{"name":"fuzz/MARK","data":{"n":1,"s":"x","a":[1,2,{"b":null}]},"ts":1700000000000}""",
        """{"source":"fuzz","component":"c","action":"MARK","level":"warn","metadata":{"runId":"r","eventId":"e"},"duration_ms":1.5}""",
        """[{"name":"fuzz/MARK","data":{}},{"name":"fuzz/MARK-2","id":"i-MARK"}]""",
        """{"url":"http://127.0.0.1:1/MARK","appName":"MARK","framework":"fuzz","functions":[{"id":"MARK-fn","name":"f","triggers":[{"event":"fuzz/MARK"}],"steps":{"step":{"id":"step","name":"step","runtime":{"type":"http","url":"http://127.0.0.1:1/MARK"}}}}]}""",
        """{"value":{"k":"MARK"},"ttl":"1m","for":"8h","reason":"MARK","provider":"github","event":"fuzz.*","status":"Completed","count":3}""",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "1e400", "-1", "99999999999999999999999", "-99999999999999999999", "NaN", "Infinity", "-Infinity", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\udc00x\"", "[]", "{}", "\"" + new string('x', 300) + "\"", "0.000000001", "\"2025-13-45T99:00:00Z\"", "\"\"", "\"99999999999999999\"",
        "\"NaN\"", "\"-1s\"", "\"http://[::1\"", "\"file:///etc/passwd\"", "[null,null]", "{\"a\":{\"a\":{\"a\":[[[[1]]]]}}}",
    ];

    private static readonly string[] Fields =
    [
        "name", "data", "id", "ts", "user", "v", "source", "component", "action", "level", "metadata", "timestamp", "duration_ms", "success",
        "error", "url", "functions", "value", "ttl", "for", "reason", "provider", "event", "status", "count", "steps", "triggers",
    ];

    /// <summary>Path segments for route parameters.</summary>
    public static readonly string[] Segments =
    [
        "x", "fuzz", "01HZZZZZZZZZZZZZZZZZZZZZZZ", "%00", "-1", "99999999999999999999", "NaN", "..%2F..%2Fetc", "%E2%82%AC", "%ED%A0%80",
        new string('a', 2000), "%FF%FE", "a%20b", "ops",
    ];

    /// <summary>Query strings for GET routes.</summary>
    public static readonly string[] Queries =
    [
        "", "?count=-1", "?count=NaN", "?count=99999999999999999999", "?hours=Infinity", "?hours=NaN", "?since=yesterday", "?since=-1",
        "?cursor=%00garbage", "?status=Nope", "?name=%00", "?limit=1e400", "?q=" + new string('x', 3000), "?replay=-5", "?from=99999999999999999",
        "?count=1&count=2", "?level=%FF",
    ];

    /// <summary>Content types, including wrong ones.</summary>
    public static readonly string?[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "text/plain", "application/x-www-form-urlencoded", null,
        "application/json; charset=latin1", "multipart/form-data; boundary=x", "application/merge-patch+json",
    ];

    /// <summary>One hostile body: a valid template mutated in one of several ways (some stay valid).</summary>
    public static readonly Gen<(string What, Func<string, byte[]> Make)> Body =
        Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 11], Gen.Int[0, 1000], Gen.Int[0, Values.Length - 1], Gen.Int[0, Fields.Length - 1], Build);

    private static (string What, Func<string, byte[]> Make) Build(int v, int kind, int n, int value, int field)
    {
        var template = Valid[v];
        Func<string, byte[]> body = kind switch
        {
            0 => m => Utf8(Marked(template, m)[..(n % template.Length)]),
            1 => m => Utf8($"{{\"name\":\"fuzz/{m}\",\"source\":\"s\",\"component\":\"c\",\"action\":\"{m}\",\"data\":{Nested(20 + n % 60)},\"metadata\":{Nested(20 + n % 60)},\"value\":{Nested(20 + n % 60)}}}"),
            2 => m => Utf8(Marked(template, m).Replace("{\"", $"{{\"{Fields[field]}\":{Values[value]},\"", StringComparison.Ordinal)),
            3 => m => Utf8($"{{\"name\":\"fuzz/{m}\",\"source\":\"s\",\"component\":\"c\",\"action\":\"{m}\",\"{Fields[field]}\":{Values[value]}}}"),
            4 => m => Flip(Utf8(Marked(template, m)), n),
            5 => m => Utf8(Marked(template, m).Replace("fuzz/", "fuzz/\\u0000", StringComparison.Ordinal)),
            6 => _ => Utf8(Values[value]),
            7 => m => Utf8("[" + string.Join(",", Enumerable.Repeat(Marked(template, m).TrimStart('[').TrimEnd(']'), 1 + n % 5)) + "]"),
            8 => _ => Utf8(new string('[', 1 + n) + new string(']', n % 3)),
            9 => m => Utf8(Marked(template, m).Replace($"\"{Fields[field]}\":", $"\"{Fields[field]}\":{Values[value]},\"{Fields[field]}\":", StringComparison.Ordinal)),
            10 => m => Utf8(Marked(template, m).Replace("fuzz", new string('z', 1_200_000), StringComparison.Ordinal)),
            _ => m => Utf8(Marked(template, m)),
        };
        return ($"template {v}, mutation {kind}, n {n}, value {Values[value]}, field {Fields[field]}", body);
    }

    /// <summary><c>{"a":{"a":…{}}}</c> with <paramref name="levels"/> objects in all.</summary>
    public static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\":", levels - 1)) + "{}" + new string('}', levels - 1);

    private static string Marked(string template, string mark) => template.Replace(Mark, mark, StringComparison.Ordinal);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Flip(byte[] bytes, int n)
    {
        bytes[n % bytes.Length] = (byte)(0x80 + n % 0x80);
        return bytes;
    }
}
