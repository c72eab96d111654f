using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests;

public sealed class EventApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.MaxBodyBytes = 64 * 1024);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Accepts_one_event_and_answers_in_the_inngest_shape()
    {
        using var response = await _server.Http.PostAsJsonAsync("/e/any-key", new { name = "demo/hello", data = new { x = 1 }, user = new { id = "u1" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(200, body["status"]!.GetValue<int>());
        var id = body["ids"]!.AsArray().Single()!.GetValue<string>();
        Assert.Equal(26, id.Length); // a ULID
        var stored = await _server.GetAsync($"/v1/events/{id}");
        Assert.Equal("demo/hello", stored["event"]!["name"]!.GetValue<string>());
        Assert.Equal(1, stored["event"]!["data"]!["x"]!.GetValue<int>());
        Assert.Equal("u1", stored["event"]!["user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accepts_an_array_and_keeps_given_ids_and_timestamps()
    {
        var ids = await _server.SendAsync(new object[]
        {
            new { name = "demo/a", id = "evt-a", ts = 1700000000000 },
            new { name = "demo/b", data = new { } },
        });
        Assert.Equal(2, ids.Count);
        Assert.Equal("evt-a", ids[0]);
        var a = await _server.GetAsync("/v1/events/evt-a");
        Assert.Equal(1700000000000, a["event"]!["ts"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_repeated_id_is_accepted_but_stored_once()
    {
        var id = "dup-" + Guid.NewGuid();
        Assert.Equal([id], await _server.SendAsync(new { name = "demo/dup", id, data = new { n = 1 } }));
        Assert.Equal([id, id], await _server.SendAsync(new object[] { new { name = "demo/dup", id, data = new { n = 2 } }, new { name = "demo/dup", id } }));
        var events = (await _server.GetAsync("/v1/events?prefix=demo/dup&count=100"))["events"]!.AsArray();
        var same = events.Where(e => e!["id"]!.GetValue<string>() == id).ToList();
        Assert.Single(same);
        Assert.Equal(1, same[0]!["data"]!["n"]!.GetValue<int>());
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "{not json", "invalid_json", "JSON" },
        { "{\"data\":{}}", "missing_name", "name is required" },
        { "{\"name\":\"\"}", "invalid_name", "name must not be empty" },
        { "{\"name\":42}", "invalid_name", "name must be a string" },
        { "{\"name\":\"" + new string('n', 257) + "\"}", "invalid_name", "limit is 256" },
        { "{\"name\":\"a\",\"data\":[1]}", "invalid_data", "data must be an object" },
        { "{\"name\":\"a\",\"data\":\"x\"}", "invalid_data", "data must be an object" },
        { "[{\"name\":\"ok\"},{\"name\":\"a\",\"data\":3}]", "invalid_data", "[1].data" },
        { "{\"name\":\"a\",\"ts\":\"yesterday\"}", "invalid_ts", "ts" },
        { "{\"name\":\"a\",\"user\":5}", "invalid_user", "user must be an object" },
        { "{\"name\":\"a\",\"id\":5}", "invalid_id", "id must be a string" },
        { "[]", "no_events", "empty array" },
        { "\"just a string\"", "invalid_event", "event object" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_gets_a_400_naming_the_field_and_stores_nothing(string body, string code, string fragment)
    {
        var before = (await _server.GetAsync("/v1/events?count=10000"))["events"]!.AsArray().Count;
        using var response = await _server.Http.PostAsync("/e/k", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Contains(fragment, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = (await _server.GetAsync("/v1/events?count=10000"))["events"]!.AsArray().Count;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Ids_with_slashes_are_found()
    {
        await _server.SendAsync(new { name = "demo/slash", id = "order/123" });
        var e = await _server.GetAsync("/v1/events/order%2F123");
        Assert.Equal("order/123", e["event"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var big = new { name = "demo/big", data = new { blob = new string('x', 70 * 1024) } };
        using var response = await _server.Http.PostAsJsonAsync("/e/k", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_than_5000_events_in_one_request_is_refused()
    {
        var events = Enumerable.Range(0, 5001).Select(_ => new { name = "e" }).ToArray();
        using var response = await _server.Http.PostAsJsonAsync("/e/k", events);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too_many_events", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_reports_version_store_and_uptime()
    {
        var health = await _server.GetAsync("/health");
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal("sqlite", health["store"]!["kind"]!.GetValue<string>());
        Assert.NotNull(health["version"]);
        Assert.True(health["uptimeSeconds"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public async Task Outside_dev_mode_keys_and_tokens_are_enforced()
    {
        await using var secure = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key-one,key-two";
            o.SigningKey = "signkey-test-" + new string('a', 64);
            o.ApiToken = "token-123";
        });
        using (var wrong = await secure.Http.PostAsJsonAsync("/e/wrong", new { name = "x" }))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var right = await secure.Http.PostAsJsonAsync("/e/key-two", new { name = "x" }))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        using (var noToken = await secure.Http.GetAsync("/v1/events"))
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        withToken.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "token-123");
        using (var ok = await secure.Http.SendAsync(withToken))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var register = await secure.Http.PostAsJsonAsync("/fn/register", new { appName = "x", url = "http://127.0.0.1:1/api" }))
            Assert.Equal(HttpStatusCode.Unauthorized, register.StatusCode);
        // The SDKs present signkey-<env>-<sha256 of the key bytes>.
        var hashed = Api.RegisterApi.HashSigningKey(secure.Options.SigningKey);
        Assert.StartsWith("signkey-test-", hashed, StringComparison.Ordinal);
        Assert.NotEqual(secure.Options.SigningKey, hashed);
        using var signed = new HttpRequestMessage(HttpMethod.Post, "/fn/register") { Content = JsonContent.Create(new { appName = "x", url = "http://127.0.0.1:1/api" }) };
        signed.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hashed);
        using (var accepted = await secure.Http.SendAsync(signed))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void Refuses_to_start_outside_dev_mode_without_keys()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SwitchyardServer.Build(new Switchyard.Configuration.ServerOptions { Port = 0, DataDir = TempDir.Create() }));
        Assert.Contains("SWITCHYARD_SIGNING_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_senders_lose_nothing_and_duplicate_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (sender, _) =>
        {
            for (var i = 0; i < 100; i++)
                foreach (var id in await server.SendAsync(new { name = "load/event", data = new { sender, i } })) acknowledged.Add(id);
        });
        Assert.Equal(10_000, acknowledged.Count);
        var listed = (await server.GetAsync("/v1/events?prefix=load/&count=10000"))["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(10_000, listed.Count);
        Assert.Equal(10_000, listed.Distinct().Count());
        Assert.True(acknowledged.ToHashSet().SetEquals(listed));
    }
}
