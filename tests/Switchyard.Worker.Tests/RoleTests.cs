using System.Text.Json.Nodes;

namespace Switchyard.Worker.Tests;

/// <summary>Roles in the C# SDK, end to end: one codebase started in two roles against a real server.</summary>
public sealed class RoleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void Shop(Sdk.SwitchyardBuilder b) => b.AddFunction<HostOnly>().AddFunction<ClusterOnly>();

    private async Task<List<JsonObject>> FunctionsAsync() =>
        (await _server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => f!.AsObject()).OrderBy(f => f["id"]!.GetValue<string>()).ThenBy(f => f["appId"]!.GetValue<string>()).ToList();

    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public async Task Two_roles_of_one_codebase_register_disjoint_function_sets_under_their_own_app_ids()
    {
        await using var host = await TestApp.StartAsync(_server.Url, "shop", Shop, configure: o => o.Role = "host");
        await using var cluster = await TestApp.StartAsync(_server.Url, "shop", Shop, configure: o => o.Role = "cluster");

        var functions = await FunctionsAsync();
        Assert.Equal(["shop-cluster-only", "shop-host-only"], functions.Select(f => Str(f["id"])));
        Assert.Equal(["shop-cluster", "shop-host"], functions.Select(f => Str(f["appId"])));
        Assert.Equal(["cluster", "host"], functions.Select(f => Str(f["role"])));
        Assert.All(functions, f => Assert.False(f["conflict"]!.GetValue<bool>()));

        var apps = (await _server.GetAsync("/v1/apps"))["apps"]!.AsArray().ToDictionary(a => Str(a!["id"])!, a => Str(a!["role"]));
        Assert.Equal(new Dictionary<string, string?> { ["shop-cluster"] = "cluster", ["shop-host"] = "host" }, apps);

        var topology = await _server.GetAsync("/v1/topology");
        var mapped = topology["apps"]!.AsArray().ToDictionary(a => Str(a!["id"])!, a => a!.AsObject());
        Assert.Equal("host", Str(mapped["shop-host"]["role"]));
        Assert.Equal(["shop-host-only"], mapped["shop-host"]["functions"]!.AsArray().Select(f => Str(f!["id"])));
        Assert.Equal(["shop-cluster-only"], mapped["shop-cluster"]["functions"]!.AsArray().Select(f => Str(f!["id"])));

        // Re-syncing one role leaves the other role's graph alone.
        using var resync = await _server.Http.PostAsync("/v1/apps/sync", System.Net.Http.Json.JsonContent.Create(new { url = host.ServeUrl.ToString() }));
        Assert.True(resync.IsSuccessStatusCode);
        Assert.Equal(2, (await FunctionsAsync()).Count);
    }

    [Fact]
    public async Task A_function_in_both_roles_is_a_conflict_and_runs_go_to_the_first_registered_app()
    {
        static void Functions(Sdk.SwitchyardBuilder b) => b.AddFunction<HostOnly>().AddFunction<ClusterOnly>().AddFunction<InBothRoles>().AddFunction<NoRoles>();
        await using var host = await TestApp.StartAsync(_server.Url, "shop", Functions, configure: o => o.Role = "host");
        await using var cluster = await TestApp.StartAsync(_server.Url, "shop", Functions, configure: o => o.Role = "cluster");
        // Syncing again in the other order changes nothing: ownership goes by first registration, not last.
        foreach (var app in new[] { cluster, host })
            using (var again = await _server.Http.PostAsync("/v1/apps/sync", System.Net.Http.Json.JsonContent.Create(new { url = app.ServeUrl.ToString() })))
                Assert.True(again.IsSuccessStatusCode);

        var functions = await FunctionsAsync();
        foreach (var id in new[] { "shop-both", "shop-anywhere" })
        {
            var copies = functions.Where(f => Str(f["id"]) == id).ToList();
            Assert.Equal(["shop-cluster", "shop-host"], copies.Select(f => Str(f["appId"])));
            Assert.All(copies, f => Assert.True(f["conflict"]!.GetValue<bool>()));
            Assert.All(copies, f => Assert.Equal("shop-host", Str(f["owner"])));
        }

        var status = await _server.GetAsync("/v1/status");
        var line = status["components"]!.AsArray().Single(c => Str(c!["component"]) == "function shop-both")!;
        Assert.Equal("degraded", Str(line["status"]));
        Assert.Contains("shop-host (role host) and shop-cluster (role cluster)", Str(line["detail"]));
        Assert.Contains("runs go to shop-host", Str(line["detail"]));

        var eventId = (await _server.SendAsync(new { name = RoleFunction.Trigger, data = new { order = 1 } }))[0];
        var runs = await _server.WaitForRunsOfEventAsync(eventId, 4);
        var ranIn = new Dictionary<string, string>();
        foreach (var run in runs)
        {
            var done = await _server.WaitForRunAsync(Str(run!["id"])!);
            Assert.Equal("Completed", Str(done["run"]!["status"]));
            ranIn[Str(done["run"]!["output"]!["function"])!] = Str(done["run"]!["output"]!["app"])!;
        }
        Assert.Equal(new Dictionary<string, string>
        {
            ["anywhere"] = "shop-host", ["both"] = "shop-host", ["cluster-only"] = "shop-cluster", ["host-only"] = "shop-host",
        }, ranIn);
    }

    [Fact]
    public async Task Without_a_role_the_app_serves_every_function_under_its_plain_id()
    {
        await using var app = await TestApp.StartAsync(_server.Url, "shop", b => b.AddFunction<HostOnly>().AddFunction<ClusterOnly>().AddFunction<NoRoles>(), configure: o => o.Role = null);
        var functions = await FunctionsAsync();
        Assert.Equal(["shop-anywhere", "shop-cluster-only", "shop-host-only"], functions.Select(f => Str(f["id"])));
        Assert.All(functions, f => Assert.Equal("shop", Str(f["appId"])));
        Assert.All(functions, f => Assert.Null(f["role"]));
    }

    [Fact]
    public async Task The_role_is_stored_with_the_registration_and_survives_a_restart()
    {
        await using (var host = await TestApp.StartAsync(_server.Url, "shop", Shop, configure: o => o.Role = "host"))
            Assert.Equal("host", Str((await _server.GetAsync("/v1/apps"))["apps"]![0]!["role"]));
        await _server.DisposeAsync();
        _server = await TestServer.StartAsync(dataDir: _server.DataDir);
        var app = Assert.Single((await _server.GetAsync("/v1/apps"))["apps"]!.AsArray())!;
        Assert.Equal(("shop-host", "host"), (Str(app["id"]), Str(app["role"])));
        Assert.Equal("host", Str((await _server.GetAsync("/v1/functions"))["functions"]![0]!["role"]));
    }

    [Fact]
    public async Task A_registration_whose_role_does_not_end_its_app_id_is_refused()
    {
        var registration = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Registrations.For("shop", "a")))!.AsObject();
        registration["role"] = "host";
        using var response = await _server.Http.PostAsync("/fn/register", System.Net.Http.Json.JsonContent.Create(registration));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("must register as <app>-host, not 'shop'", Str(body["error"]));
        Assert.Empty((await _server.GetAsync("/v1/apps"))["apps"]!.AsArray());
    }

    [Fact]
    public void An_unknown_role_fails_at_startup_naming_the_known_roles()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestApp.Build(_server.Url, "shop", Shop, configure: o => o.Role = "gpu"));
        Assert.Contains("Unknown role \"gpu\" for app \"shop\"", error.Message);
        Assert.Contains("the known roles are cluster, host", error.Message);

        var none = Assert.Throws<InvalidOperationException>(() => TestApp.Build(_server.Url, "shop", b => b.AddFunction<NoRoles>(), configure: o => o.Role = "host"));
        Assert.Contains("no function declares a role", none.Message);

        var stray = Assert.Throws<InvalidOperationException>(() => TestApp.Build(_server.Url, "shop", b => b.AddFunction<HostOnly>().AddFunction<GpuOnly>(), configure: o => { o.Role = "host"; o.AllowedRoles.Add("host"); o.AllowedRoles.Add("cluster"); }));
        Assert.Contains("\"gpu-only\"", stray.Message);
        Assert.Contains("not in SwitchyardOptions.AllowedRoles (host, cluster)", stray.Message);

        // An allowed role without functions of its own is fine: the app then serves the role-less ones.
        using var allowed = TestApp.Build(_server.Url, "shop", b => b.AddFunction<HostOnly>().AddFunction<NoRoles>(), configure: o => { o.Role = "edge"; o.AllowedRoles.Add("host"); o.AllowedRoles.Add("edge"); });
    }

    [Fact]
    public void A_role_name_outside_the_alphabet_is_refused()
    {
        var builder = (Sdk.FunctionBuilder)Activator.CreateInstance(typeof(Sdk.FunctionBuilder), nonPublic: true)!;
        Assert.Throws<ArgumentException>(() => builder.Roles("Host"));
        Assert.Throws<ArgumentException>(() => builder.Roles("blue-green"));
        builder.Roles("gpu_1");
    }
}
