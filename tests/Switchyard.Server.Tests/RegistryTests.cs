using System.Text.Json;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests;

public sealed class RegistryTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonObject> RegisterAsync(object registration)
    {
        using var response = await _server.Http.PostAsJsonAsync("/fn/register", registration);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body;
    }

    private async Task<List<string>> FunctionIdsAsync() =>
        (await _server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).Order().ToList();

    [Fact]
    public async Task A_resync_replaces_the_app_function_set()
    {
        var first = await RegisterAsync(Registrations.For("shop", "a", "b", "c"));
        Assert.True(first["modified"]!.GetValue<bool>());
        Assert.Equal(["shop-a", "shop-b", "shop-c"], await FunctionIdsAsync());

        var second = await RegisterAsync(Registrations.For("shop", "a", "d"));
        Assert.Equal(["shop-a", "shop-d"], await FunctionIdsAsync());
        Assert.Equal(["shop-b", "shop-c"], second["removed"]!.AsArray().Select(x => x!.GetValue<string>()).Order().ToList());

        var same = await RegisterAsync(Registrations.For("shop", "a", "d"));
        Assert.False(same["modified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Apps_with_different_ids_never_overwrite_each_other()
    {
        await RegisterAsync(Registrations.For("alpha", "x"));
        await RegisterAsync(Registrations.For("beta", "y"));
        await RegisterAsync(Registrations.For("beta", "z"));
        Assert.Equal(["alpha-x", "beta-z"], await FunctionIdsAsync());
        var apps = (await _server.GetAsync("/v1/apps"))["apps"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["alpha", "beta"], apps);
    }

    [Fact]
    public async Task Triggers_follow_the_registry()
    {
        await RegisterAsync(Registrations.For("trig", "one"));
        var id = (await _server.SendAsync(new { name = "trig/one" }))[0];
        var e = await _server.GetAsync($"/v1/events/{id}");
        Assert.Equal("trig-one", e["decisions"]!.AsArray().Single()!["functionId"]!.GetValue<string>());
        await RegisterAsync(Registrations.For("trig", "two"));
        var id2 = (await _server.SendAsync(new { name = "trig/one" }))[0];
        Assert.Empty((await _server.GetAsync($"/v1/events/{id2}"))["decisions"]!.AsArray());
    }

    [Fact]
    public async Task Bad_registrations_are_refused_with_a_status_field()
    {
        using var noName = await _server.Http.PostAsJsonAsync("/fn/register", new { url = "http://127.0.0.1:1/x", functions = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        var body = (await noName.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(400, body["status"]!.GetValue<int>());
        Assert.Contains("appName", body["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var badExpr = Registrations.For("expr", "f");
        var node = JsonSerializer.SerializeToNode(badExpr)!;
        node["functions"]![0]!["triggers"]![0]!["expression"] = "event.data.(";
        using var bad = await _server.Http.PostAsJsonAsync("/fn/register", node);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("expression", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_of_an_unreachable_app_is_a_clear_error()
    {
        using var response = await _server.Http.PostAsJsonAsync("/v1/apps/sync", new { url = "http://127.0.0.1:1/api/nothing" });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("sync_failed", error["code"]!.GetValue<string>());
        Assert.Contains("not reachable", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
