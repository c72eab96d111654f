using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests;

/// <summary>The key-value API under <c>/v1/kv</c>: values with TTLs, namespace listing and take-all, leases, input
/// errors and the API token.</summary>
public sealed class KvApiTests
{
    private static async Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(TestServer server, HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Values_are_put_read_listed_expired_deleted_and_taken()
    {
        await using var server = await TestServer.StartAsync();
        var (status, put) = await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t.mutes/ops", new { value = "{\"reason\":\"noisy\"}" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(put["written"]!.GetValue<bool>());
        Assert.Equal("{\"reason\":\"noisy\"}", (await server.GetAsync("/v1/kv/gateway.t.mutes/ops"))["value"]!.GetValue<string>());

        // ifAbsent keeps the first value.
        var (_, second) = await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t.mutes/ops", new { value = "other", ifAbsent = true });
        Assert.False(second["written"]!.GetValue<bool>());

        await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t.mutes/short", new { value = "soon gone", ttlMs = 300 });
        var listed = await server.GetAsync("/v1/kv/gateway.t.mutes");
        Assert.Equal(["ops", "short"], listed["entries"]!.AsArray().Select(e => e!["key"]!.GetValue<string>()));
        Assert.NotNull(listed["entries"]![1]!["expiresAt"]);
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(server, HttpMethod.Get, "/v1/kv/gateway.t.mutes/short")).Status);
        Assert.Equal(1, (await server.GetAsync("/v1/kv/gateway.t.mutes"))["count"]!.GetValue<int>());

        var (_, deleted) = await CallAsync(server, HttpMethod.Delete, "/v1/kv/gateway.t.mutes/ops");
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.False((await CallAsync(server, HttpMethod.Delete, "/v1/kv/gateway.t.mutes/ops")).Body["deleted"]!.GetValue<bool>());

        // DELETE of a namespace takes every entry at once.
        await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t.queue/a", new { value = "1" });
        await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t.queue/b", new { value = "2" });
        var (_, taken) = await CallAsync(server, HttpMethod.Delete, "/v1/kv/gateway.t.queue");
        Assert.Equal(["1", "2"], taken["entries"]!.AsArray().Select(e => e!["value"]!.GetValue<string>()));
        Assert.Equal(0, (await server.GetAsync("/v1/kv/gateway.t.queue"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_lease_is_granted_denied_renewed_released_and_free_again_after_it_expires()
    {
        await using var server = await TestServer.StartAsync();
        const string lease = "/v1/kv/gateway.t.leases/telegram:1/lease";
        var (_, a) = await CallAsync(server, HttpMethod.Post, lease, new { owner = "a", ttlMs = 600 });
        Assert.True(a["held"]!.GetValue<bool>());
        Assert.Equal("a", a["owner"]!.GetValue<string>());

        var (_, b) = await CallAsync(server, HttpMethod.Post, lease, new { owner = "b", ttlMs = 600 });
        Assert.False(b["held"]!.GetValue<bool>());
        Assert.Equal("a", b["owner"]!.GetValue<string>());
        Assert.Null(b["expiresAt"]);

        var (_, renewed) = await CallAsync(server, HttpMethod.Post, lease, new { owner = "a", ttlMs = 600 });
        Assert.True(renewed["held"]!.GetValue<bool>());
        Assert.True(renewed["expiresAt"]!.GetValue<long>() >= a["expiresAt"]!.GetValue<long>());
        Assert.Equal("a", (await server.GetAsync("/v1/kv/gateway.t.leases/telegram:1"))["value"]!.GetValue<string>());

        // Only the owner releases.
        Assert.False((await CallAsync(server, HttpMethod.Post, "/v1/kv/gateway.t.leases/telegram:1/release", new { owner = "b" })).Body["released"]!.GetValue<bool>());
        await Task.Delay(800);
        var (_, takeover) = await CallAsync(server, HttpMethod.Post, lease, new { owner = "b", ttlMs = 5000 });
        Assert.True(takeover["held"]!.GetValue<bool>());
        Assert.True((await CallAsync(server, HttpMethod.Post, "/v1/kv/gateway.t.leases/telegram:1/release", new { owner = "b" })).Body["released"]!.GetValue<bool>());
        Assert.True((await CallAsync(server, HttpMethod.Post, lease, new { owner = "a", ttlMs = 5000 })).Body["held"]!.GetValue<bool>());

        // Concurrent contenders: exactly one wins.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CallAsync(server, HttpMethod.Post, "/v1/kv/gateway.t.leases/race/lease", new { owner = $"o{i}", ttlMs = 5000 })));
        Assert.Single(results, r => r.Body["held"]!.GetValue<bool>());
        Assert.Single(results.Select(r => r.Body["owner"]!.GetValue<string>()).Distinct());
    }

    [Theory]
    [InlineData("PUT", "/v1/kv/flow.idempotency/x", "{\"value\":\"v\"}", "invalid_namespace")]
    [InlineData("GET", "/v1/kv/gateway./x", null, "invalid_namespace")]
    [InlineData("PUT", "/v1/kv/gateway.t/a%25b", "{\"value\":\"v\"}", "invalid_key")]
    [InlineData("PUT", "/v1/kv/gateway.t/k", "{\"value\":3}", "invalid_value")]
    [InlineData("PUT", "/v1/kv/gateway.t/k", "{\"value\":\"v\",\"ttlMs\":0}", "invalid_ttlMs")]
    [InlineData("PUT", "/v1/kv/gateway.t/k", "{\"value\":\"v\",\"ifAbsent\":\"yes\"}", "invalid_ifAbsent")]
    [InlineData("PUT", "/v1/kv/gateway.t/k", "not json", "invalid_body")]
    [InlineData("POST", "/v1/kv/gateway.t/k/lease", "{\"ttlMs\":1000}", "invalid_owner")]
    [InlineData("POST", "/v1/kv/gateway.t/k/lease", "{\"owner\":\"a\"}", "invalid_ttlMs")]
    [InlineData("POST", "/v1/kv/gateway.t/k/release", "{}", "invalid_owner")]
    public async Task Bad_input_is_a_400_naming_the_field(string method, string path, string? body, string code)
    {
        await using var server = await TestServer.StartAsync();
        var (status, answer) = await CallAsync(server, new HttpMethod(method), path, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, answer["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Outside_dev_mode_the_api_token_is_required()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key-one";
            o.SigningKey = "signkey-test-" + new string('a', 64);
            o.ApiToken = "token-123";
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t/k", new { value = "v" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, HttpMethod.Post, "/v1/kv/gateway.t/k/lease", new { owner = "a", ttlMs = 1000 }, token: "wrong")).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(server, HttpMethod.Put, "/v1/kv/gateway.t/k", new { value = "v" }, token: "token-123")).Status);
        Assert.Equal("v", (await CallAsync(server, HttpMethod.Get, "/v1/kv/gateway.t/k", token: "token-123")).Body["value"]!.GetValue<string>());
    }
}
