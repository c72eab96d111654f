using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Worker;

namespace Switchyard.Worker.Tests;

/// <summary>The built-in worker in-process against a real server: roles, liveness, heartbeat, function health.</summary>
public sealed class WorkerTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private WorkerOptions Options(string role) => new() { Role = role, Port = 0, ServerUrl = _server.Url };

    private static async Task<WorkerApp> StartAsync(WorkerOptions options)
    {
        var worker = WorkerApp.Build(options, _ => { });
        await worker.StartAsync();
        return worker;
    }

    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    private Task<JsonArray> WaitForAsync(string path, string field, Func<JsonArray, bool> done, TimeSpan? timeout = null)
    {
        JsonArray? items = null;
        return Eventually.GetAsync(async () =>
        {
            items = (await _server.GetAsync(path))[field]!.AsArray();
            return done(items) ? items : null;
        }, () => $"{path} to settle (last {field}: {items?.ToJsonString()})", timeout ?? TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Host_and_cluster_workers_sync_themselves_with_disjoint_function_sets()
    {
        await using var host = await StartAsync(Options(WorkerRoles.Host));
        await using var cluster = await StartAsync(Options(WorkerRoles.Cluster));
        Assert.Equal("switchyard-host", host.AppId);
        Assert.Equal(["switchyard-function-health", "switchyard-dag"], host.FunctionIds);
        Assert.Equal(["switchyard-heartbeat"], cluster.FunctionIds);

        // Each worker asks the server to sync it once it listens.
        await WaitForAsync("/v1/apps", "apps", a => a.Count == 2, TimeSpan.FromSeconds(45));
        var functions = (await _server.GetAsync("/v1/functions"))["functions"]!.AsArray()
            .ToDictionary(f => Str(f!["id"])!, f => (App: Str(f!["appId"]), Role: Str(f!["role"]), Url: Str(f!["url"])));
        Assert.Equal(3, functions.Count);
        Assert.Equal(("switchyard-host", "host"), (functions["switchyard-function-health"].App, functions["switchyard-function-health"].Role));
        Assert.Equal(("switchyard-cluster", "cluster"), (functions["switchyard-heartbeat"].App, functions["switchyard-heartbeat"].Role));
        Assert.StartsWith(host.ServeUrl.ToString(), functions["switchyard-function-health"].Url);

        var topology = await _server.GetAsync("/v1/topology");
        Assert.Equal(["switchyard-cluster", "switchyard-host"], topology["apps"]!.AsArray().Select(a => Str(a!["id"])).Order());
    }

    [Fact]
    public async Task Liveness_answers_apart_from_the_sdk_endpoint_even_without_a_server()
    {
        // Nothing listens on the server port: liveness must not depend on registration.
        await using var worker = await StartAsync(Options(WorkerRoles.Host) with { ServerUrl = new Uri($"http://127.0.0.1:{Loopback.FreePort()}") });
        Assert.NotEqual(worker.HealthUrl.AbsolutePath, worker.ServeUrl.AbsolutePath);
        using var http = new HttpClient();

        JsonObject health;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            health = (await http.GetFromJsonAsync<JsonObject>(worker.HealthUrl))!;
            if (health["sync"] is not null) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal("ok", Str(health["status"]));
        Assert.Equal("switchyard-host", Str(health["app"]));
        Assert.Equal("host", Str(health["role"]));
        Assert.Equal(["switchyard-function-health", "switchyard-dag"], health["functions"]!.AsArray().Select(Str));
        Assert.False(health["sync"]!["ok"]!.GetValue<bool>());

        var sdk = (await http.GetFromJsonAsync<JsonObject>(worker.ServeUrl))!;
        Assert.Equal("switchyard-host", Str(sdk["app_id"]));
        Assert.Equal("host", Str(sdk["role"]));
        Assert.Equal(2, sdk["function_count"]!.GetValue<int>());
        Assert.Null(sdk["status"]);
    }

    [Fact]
    public async Task The_heartbeat_cron_runs_and_emits_its_event()
    {
        await using var cluster = await StartAsync(Options(WorkerRoles.Cluster) with { HeartbeatCron = "* * * * * *" });
        var beats = await WaitForAsync("/v1/events?prefix=switchyard/heartbeat", "events", e => e.Count >= 1);
        var data = beats[0]!["data"]!;
        Assert.Equal("switchyard-cluster", Str(data["app"]));
        Assert.Equal("cluster", Str(data["role"]));
        Assert.Equal("* * * * * *", Str(data["cron"]));
        var runs = await WaitForAsync("/v1/runs?function=switchyard-heartbeat&status=Completed", "runs", r => r.Count >= 1);
        Assert.StartsWith("cron:switchyard-heartbeat:", Str(runs[0]!["eventId"]));
    }

    [Fact]
    public async Task Function_health_reports_missing_functions_conflicts_and_stale_crons()
    {
        await using var host = await StartAsync(Options(WorkerRoles.Host) with { SyncAtStart = false, ExpectedFunctions = ["billing-charge"] });
        await host.SyncAsync();

        var first = await CheckAsync();
        Assert.Equal("degraded", Str(first["status"]));
        Assert.Equal(["billing-charge"], first["missing"]!.AsArray().Select(m => Str(m!["functionId"])));
        Assert.Equal("not registered", Str(first["missing"]![0]!["reason"]));
        Assert.Empty(first["staleCrons"]!.AsArray());

        // A cron that never succeeds, and a function registered by both roles of another app.
        await using var flaky = await TestApp.StartAsync(_server.Url, "flaky", b => b.AddFunction<FailingTick>(), configure: o => o.Role = null);
        await using var shopHost = await TestApp.StartAsync(_server.Url, "shop", b => b.AddFunction<InBothRoles>(), configure: o => o.Role = "host");
        await using var shopCluster = await TestApp.StartAsync(_server.Url, "shop", b => b.AddFunction<InBothRoles>(), configure: o => o.Role = "cluster");
        await using var billing = await TestApp.StartAsync(_server.Url, "billing", b => b.AddFunction<Charge>(), configure: o => o.Role = null);
        // Twice the cadence of an every-second cron, counted from registration, plus a margin.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var report = await CheckAsync();
        Assert.Equal("degraded", Str(report["status"]));
        Assert.Empty(report["missing"]!.AsArray());
        var conflict = Assert.Single(report["conflicts"]!.AsArray())!;
        Assert.Equal("shop-both", Str(conflict["functionId"]));
        Assert.Equal("shop-host", Str(conflict["owner"]));
        var stale = Assert.Single(report["staleCrons"]!.AsArray())!;
        Assert.Equal("flaky-tick", Str(stale["functionId"]));
        Assert.Null(stale["lastSuccessAt"]);
        Assert.Contains("no successful run since flaky registered it", Str(stale["reason"]));

        var reports = await WaitForAsync("/v1/events?prefix=switchyard/health.report", "events", e => e.Count >= 2);
        Assert.Equal("degraded", Str(reports[0]!["data"]!["status"]));
        var telemetry = await WaitForAsync("/v1/otel/list?source=worker", "events", e => e.Count >= 2);
        var latest = telemetry[0]!;
        Assert.Equal("worker.function_health.degraded", Str(latest["action"]));
        Assert.Equal("warn", Str(latest["level"]));
        Assert.Equal("switchyard-host", Str(latest["component"]));
        Assert.Contains("flaky-tick", Str(latest["error"]));
    }

    [Fact]
    public async Task A_healthy_registry_reports_ok()
    {
        await using var host = await StartAsync(Options(WorkerRoles.Host) with { SyncAtStart = false });
        // A slow schedule fired by hand: a busy machine cannot make the fire look late.
        await using var cluster = await StartAsync(Options(WorkerRoles.Cluster) with { SyncAtStart = false, HeartbeatCron = "*/20 * * * * *" });
        await host.SyncAsync();
        await cluster.SyncAsync();
        using (var fire = await _server.Http.PostAsync("/v1/cron/switchyard-heartbeat/trigger", null)) Assert.True(fire.IsSuccessStatusCode);
        await WaitForAsync("/v1/runs?function=switchyard-heartbeat&status=Completed", "runs", r => r.Count >= 1);

        var report = await CheckAsync();
        Assert.Equal("ok", Str(report["status"]));
        Assert.Equal(["switchyard-dag", "switchyard-function-health", "switchyard-heartbeat"], report["registered"]!.AsArray().Select(Str));
        Assert.Empty(report["staleCrons"]!.AsArray());
    }

    [Fact]
    public void An_unknown_worker_role_fails_clearly()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WorkerApp.Build(Options("gpu"), _ => { }));
        Assert.Contains("Unknown role \"gpu\" for app \"switchyard\": the known roles are cluster, host", error.Message);
        Assert.Throws<ArgumentException>(() => WorkerApp.Build(Options(""), _ => { }));
    }

    /// <summary>Requests a function-health check and returns its report (the run's output).</summary>
    private async Task<JsonObject> CheckAsync()
    {
        var eventId = (await _server.SendAsync(new { name = "switchyard/health.requested", data = new { } }))[0];
        var runs = await _server.WaitForRunsOfEventAsync(eventId);
        var run = await _server.WaitForRunAsync(Str(runs[0]!["id"])!);
        Assert.Equal("Completed", Str(run["run"]!["status"]));
        return run["run"]!["output"]!.AsObject();
    }

    /// <summary>The function the host worker was told to expect.</summary>
    public sealed class Charge : Sdk.SwitchyardFunction<JsonObject>
    {
        public override void Configure(Sdk.FunctionBuilder function) => function.Id("charge").OnEvent("billing/charge");

        public override Task<object?> RunAsync(Sdk.FunctionContext<JsonObject> context) => Task.FromResult<object?>(null);
    }
}
