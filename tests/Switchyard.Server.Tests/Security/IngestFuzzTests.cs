using System.Net;
using System.Text;
using CsCheck;

namespace Switchyard.Server.Tests.Security;

/// <summary>A small deterministic fuzz of the Event API and telemetry ingest (issue 21): generated bad bodies — truncated,
/// deeply nested, duplicate keys, invalid UTF-8, lone surrogates, NUL bytes, wrong types, huge numbers, NaN — with a
/// fixed seed and a bounded count. No answer may be a 5xx, and afterwards the server is alive and the listings render.</summary>
public sealed class IngestFuzzTests
{
    private const int Requests = 500;

    private static readonly string[] Valid =
    [
        """{"name":"fuzz/ok","data":{"n":1,"s":"x","a":[1,2,{"b":null}]},"ts":1700000000000}""",
        """{"source":"fuzz","component":"c","action":"a","level":"warn","metadata":{"runId":"r","eventId":"e"},"duration_ms":1.5}""",
        """[{"name":"fuzz/arr","data":{}},{"name":"fuzz/arr2","id":"i-1"}]""",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "1e400", "-1", "99999999999999999999999", "NaN", "Infinity", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"",
        "[]", "{}", "\"" + new string('x', 300) + "\"", "0.000000001", "\"2025-13-45T99:00:00Z\"", "\"\"",
    ];

    private static readonly string[] Fields = ["name", "data", "id", "ts", "user", "v", "source", "component", "action", "level", "metadata", "timestamp", "duration_ms", "success", "error"];

    /// <summary>One hostile body: a valid one mutated in one of several ways.</summary>
    private static readonly Gen<byte[]> Body = Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 8], Gen.Int[0, 1000], Gen.Int[0, Values.Length - 1], Gen.Int[0, Fields.Length - 1],
        (v, kind, n, value, field) =>
        {
            var text = Valid[v];
            var bytes = kind switch
            {
                0 => Encoding.UTF8.GetBytes(text[..(n % text.Length)]),
                1 => Encoding.UTF8.GetBytes($"{{\"name\":\"fuzz/deep\",\"source\":\"s\",\"component\":\"c\",\"action\":\"a\",\"data\":{Hostile.Nested(20 + n % 60)},\"metadata\":{Hostile.Nested(20 + n % 60)}}}"),
                2 => Encoding.UTF8.GetBytes(text.Replace("{\"", $"{{\"{Fields[field]}\":{Values[value]},\"", StringComparison.Ordinal)),
                3 => Encoding.UTF8.GetBytes($"{{\"name\":\"fuzz/f\",\"source\":\"s\",\"component\":\"c\",\"action\":\"a\",\"{Fields[field]}\":{Values[value]}}}"),
                4 => Flip(Encoding.UTF8.GetBytes(text), n),
                5 => Encoding.UTF8.GetBytes(text.Replace("fuzz/", "fuzz/\\u0000", StringComparison.Ordinal)),
                6 => Encoding.UTF8.GetBytes(Values[value]),
                7 => Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(text.TrimStart('[').TrimEnd(']'), 1 + n % 5)) + "]"),
                _ => Encoding.UTF8.GetBytes(new string('[', 1 + n) + new string(']', n % 3)),
            };
            return bytes;
        });

    private static byte[] Flip(byte[] bytes, int n)
    {
        bytes[n % bytes.Length] = (byte)(0x80 + n % 0x80);
        return bytes;
    }

    [Fact]
    public async Task Hostile_bodies_never_get_a_5xx_and_every_listing_still_renders()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxEventsPerRequest = 10);
        var random = new PCG(21, 20260521);
        var answered = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var body = Body.Generate(random, null, out _);
            var path = i % 2 == 0 ? "/e/test" : "/observability/emit";
            var (status, text) = await Hostile.SendAsync(server.Http, HttpMethod.Post, path, body);
            Assert.True((int)status < 500, $"request {i} to {path} answered {(int)status} {text}\nbody: {Encoding.UTF8.GetString(body)}");
            answered[(int)status] = answered.GetValueOrDefault((int)status) + 1;
        }
        // Both outcomes occur, so the generator is neither all-valid nor all-garbage.
        Assert.Contains(200, answered.Keys);
        Assert.Contains(400, answered.Keys);
        Assert.Equal(HttpStatusCode.OK, (await Hostile.GetAsync(server.Http, "/health")).Status);
        Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/events?count=10000"), "/v1/events");
        Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/otel/list?count=10000"), "/v1/otel/list");
        Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/otel/search?q=fuzz"), "/v1/otel/search");
        Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/otel/stats"), "/v1/otel/stats");
    }
}
