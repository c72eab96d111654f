using System.Net;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary><c>POST /observability/emit</c> and <c>GET /v1/otel/*</c> against a real server.</summary>
public sealed class TelemetryEmitTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Http => _server.Http;

    private async Task<List<JsonNode>> ListAsync(string query = "")
    {
        var (status, body) = await TelemetryClient.GetAsync(Http, "/v1/otel/list" + query);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return TelemetryClient.Events(body).ToList();
    }

    [Fact]
    public async Task One_event_is_stored_with_every_field_and_read_back_in_the_same_schema()
    {
        var (status, body) = await TelemetryClient.EmitAsync(Http, new
        {
            id = "t-1", timestamp = "2030-01-02T03:04:05.678Z", level = "WARN", source = "billing", component = "invoices", action = "invoice.retry",
            duration_ms = 12.5, success = false, error = "card declined", metadata = new { invoice = "inv_9", attempt = 2 },
            sessionId = "s-1", systemId = "host-a",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { "t-1" }, body["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(1, body["stored"]!.GetValue<int>());
        var e = Assert.Single(await ListAsync("?source=billing"));
        Assert.Equal("t-1", e["id"]!.GetValue<string>());
        Assert.Equal("2030-01-02T03:04:05.678Z", e["timestamp"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2030-01-02T03:04:05.678Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), e["ts"]!.GetValue<long>());
        Assert.Equal("warn", e["level"]!.GetValue<string>());
        Assert.Equal("invoices", e["component"]!.GetValue<string>());
        Assert.Equal("invoice.retry", e["action"]!.GetValue<string>());
        Assert.Equal(12.5, e["duration_ms"]!.GetValue<double>());
        Assert.False(e["success"]!.GetValue<bool>());
        Assert.Equal("card declined", e["error"]!.GetValue<string>());
        Assert.Equal("inv_9", e["metadata"]!["invoice"]!.GetValue<string>());
        Assert.Equal("s-1", e["sessionId"]!.GetValue<string>());
        Assert.Equal("host-a", e["systemId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Defaults_are_a_generated_ulid_info_level_and_now_and_unix_ms_timestamps_are_taken_as_is()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (_, body) = await TelemetryClient.EmitAsync(Http, new object[]
        {
            new { source = "defaults", component = "c", action = "a" },
            new { source = "defaults", component = "c", action = "b", timestamp = 1_700_000_000_123L },
        });
        var ids = body["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.True(Ulid.TryParse(ids[0], out _), ids[0]);

        var events = await ListAsync("?source=defaults");
        var a = events.Single(e => e["action"]!.GetValue<string>() == "a");
        Assert.Equal("info", a["level"]!.GetValue<string>());
        Assert.InRange(a["ts"]!.GetValue<long>(), before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(1_700_000_000_123L, events.Single(e => e["action"]!.GetValue<string>() == "b")["ts"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_repeated_id_is_stored_once()
    {
        var e = new { id = "dup-1", source = "dups", component = "c", action = "once" };
        var (_, first) = await TelemetryClient.EmitAsync(Http, e);
        var (_, second) = await TelemetryClient.EmitAsync(Http, new[] { e, e });

        Assert.Equal(1, first["stored"]!.GetValue<int>());
        Assert.Equal(0, second["stored"]!.GetValue<int>());
        Assert.Equal(2, second["duplicates"]!.GetValue<int>());
        Assert.Single(await ListAsync("?source=dups"));
    }

    [Theory]
    [InlineData("""{"component":"c","action":"a"}""", "missing_source", "source is required")]
    [InlineData("""{"source":"  ","component":"c","action":"a"}""", "invalid_source", "source must not be empty")]
    [InlineData("""{"source":1,"component":"c","action":"a"}""", "invalid_source", "source must be a string")]
    [InlineData("""{"source":"s","action":"a"}""", "missing_component", "component is required")]
    [InlineData("""{"source":"s","component":"c"}""", "missing_action", "action is required")]
    [InlineData("""{"source":"s","component":"c","action":"a","level":"fatal"}""", "invalid_level", "level must be one of debug, info, warn, error")]
    [InlineData("""{"source":"s","component":"c","action":"a","timestamp":"yesterday"}""", "invalid_timestamp", "timestamp must be an ISO-8601 time")]
    [InlineData("""{"source":"s","component":"c","action":"a","timestamp":"1/2/2025"}""", "invalid_timestamp", "timestamp")]
    [InlineData("""{"source":"s","component":"c","action":"a","timestamp":-5}""", "invalid_timestamp", "Unix milliseconds")]
    [InlineData("""{"source":"s","component":"c","action":"a","metadata":[1]}""", "invalid_metadata", "metadata must be an object")]
    [InlineData("""{"source":"s","component":"c","action":"a","duration_ms":-1}""", "invalid_duration_ms", "duration_ms")]
    [InlineData("""{"source":"s","component":"c","action":"a","success":"yes"}""", "invalid_success", "success must be true or false")]
    [InlineData("""{"source":"s","component":"c","action":"a","id":7}""", "invalid_id", "id must be a string")]
    [InlineData("""{"source":"s","component":"c","action":"a","error":[1]}""", "invalid_error", "error must be a string or an object")]
    [InlineData("""[{"source":"s","component":"c","action":"a"},{"source":"s","component":"c","action":"a","level":"loud"}]""", "invalid_level", "[1].level")]
    [InlineData("""[]""", "no_events", "empty array")]
    [InlineData("""[1]""", "invalid_event", "[0] must be a telemetry event object")]
    [InlineData("""42""", "invalid_event", "body must be")]
    [InlineData("""{not json""", "invalid_json", "not valid JSON")]
    public async Task Bad_input_is_a_400_naming_the_field_and_stores_nothing(string json, string code, string message)
    {
        var countBefore = (await ListAsync("?count=10000")).Count;
        var (status, body) = await TelemetryClient.EmitRawAsync(Http, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, body["error"]!["code"]!.GetValue<string>());
        Assert.Contains(message, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(countBefore, (await ListAsync("?count=10000")).Count);
    }

    [Fact]
    public async Task Oversized_fields_are_refused_with_their_limit()
    {
        var (status, body) = await TelemetryClient.EmitAsync(Http, new { source = new string('s', 129), component = "c", action = "a" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("source is 129 characters; the limit is 128", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, body) = await TelemetryClient.EmitAsync(Http, new { source = "s", component = "c", action = "a", metadata = new { blob = new string('x', 70_000) } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_metadata", body["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_finds_words_in_action_error_metadata_component_and_source_with_filters()
    {
        await TelemetryClient.EmitAsync(Http, new object[]
        {
            new { source = "gateway", component = "telegram", action = "message.delivered", metadata = new { chat = "ops-room" } },
            new { source = "gateway", component = "telegram", action = "message.failed", level = "error", error = "Timeout talking to api.telegram.org" },
            new { source = "worker", component = "backup", action = "backup.finished", metadata = new { volume = "postgres-main" } },
            new { source = "worker", component = "backup", action = "backup.failed", level = "warn", error = "disk full", metadata = new { volume = "postgres-main" } },
        });

        async Task<List<string>> Find(string query)
        {
            var (status, body) = await TelemetryClient.GetAsync(Http, "/v1/otel/search?" + query);
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            return TelemetryClient.Events(body).Select(e => e["action"]!.GetValue<string>()).ToList();
        }

        Assert.Equal(new[] { "message.failed" }, await Find("q=timeout"));
        Assert.Equal(new[] { "message.failed" }, await Find("q=TIMEO"));
        Assert.Equal(new[] { "message.delivered" }, await Find("q=ops-room"));
        Assert.Equal(new[] { "backup.failed", "backup.finished" }, await Find("q=postgres"));
        Assert.Equal(new[] { "backup.failed" }, await Find("q=postgres&level=warn"));
        Assert.Equal(new[] { "message.failed", "message.delivered" }, await Find("q=telegram&source=GATEWAY"));
        Assert.Equal(new[] { "backup.failed", "backup.finished" }, await Find("q=backup&component=backup&hours=1"));
        Assert.Equal(new[] { "backup.failed", "message.failed" }, await Find("q=failed&level=warn,error"));
        Assert.Empty(await Find("q=" + Uri.EscapeDataString("\"AND OR NEAR( * postgres-missing")));

        var (status, error) = await TelemetryClient.GetAsync(Http, "/v1/otel/search?q=" + Uri.EscapeDataString("*** ()"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_q", error["error"]!["code"]!.GetValue<string>());
        (status, error) = await TelemetryClient.GetAsync(Http, "/v1/otel/search?q=x&level=loud");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_level", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_is_newest_first_and_filters_by_level_and_hours()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await TelemetryClient.EmitAsync(Http, new object[]
        {
            new { source = "order", component = "c", action = "old", timestamp = now - 3 * 3_600_000L },
            new { source = "order", component = "c", action = "middle", timestamp = now - 60_000, level = "debug" },
            new { source = "order", component = "c", action = "new", timestamp = now },
        });

        Assert.Equal(new[] { "new", "middle", "old" }, (await ListAsync("?source=order")).Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal(new[] { "new", "middle" }, (await ListAsync("?source=order&hours=1")).Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal(new[] { "middle" }, (await ListAsync("?source=order&level=debug")).Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal(new[] { "new" }, (await ListAsync("?source=order&count=1")).Select(e => e["action"]!.GetValue<string>()));
        var (status, _) = await TelemetryClient.GetAsync(Http, "/v1/otel/list?count=0");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Stats_count_levels_facets_and_the_error_rate()
    {
        await TelemetryClient.EmitAsync(Http, new object[]
        {
            new { source = "stats-a", component = "x", action = "ok", level = "info", success = true },
            new { source = "stats-a", component = "x", action = "ok", level = "info", success = true },
            new { source = "stats-a", component = "y", action = "boom", level = "error" },
            new { source = "stats-b", component = "y", action = "soft-fail", level = "warn", success = false },
            new { source = "stats-b", component = "y", action = "trace", level = "debug" },
            new { source = "stats-b", component = "y", action = "long-ago", timestamp = "2001-01-01T00:00:00Z" },
        });

        var (status, stats) = await TelemetryClient.GetAsync(Http, "/v1/otel/stats?hours=1");

        Assert.Equal(HttpStatusCode.OK, status);
        // Other tests of this class may have emitted too; compare only what these sources contributed.
        var sources = stats["facets"]!["source"]!.AsArray().ToDictionary(f => f!["value"]!.GetValue<string>(), f => f!);
        Assert.Equal(3, sources["stats-a"]["count"]!.GetValue<long>());
        Assert.Equal(1, sources["stats-a"]["failures"]!.GetValue<long>());
        Assert.Equal(2, sources["stats-b"]["count"]!.GetValue<long>());
        Assert.Equal(0.5, sources["stats-b"]["errorRate"]!.GetValue<double>());
        var actions = stats["facets"]!["action"]!.AsArray().ToDictionary(f => f!["value"]!.GetValue<string>(), f => f!["count"]!.GetValue<long>());
        Assert.Equal(2, actions["ok"]);
        Assert.False(actions.ContainsKey("long-ago"));
        Assert.True(stats["byLevel"]!["debug"]!.GetValue<long>() >= 1);
        Assert.True(stats["errorRate"]!.GetValue<double>() > 0);
        Assert.Equal(30, stats["retentionDays"]!.GetValue<double>());
    }
}
