using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Worker.Tests;

/// <summary><c>yard worker</c> and <c>yard dev --roles</c> as real processes.</summary>
public sealed class WorkerCliTests
{
    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    private static async Task<JsonArray> PollCliAsync(string[] args, string field, Func<JsonArray, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (code, stdout, stderr) = await Yard.RunAsync(args);
            if (code == 0 && JsonNode.Parse(stdout)?["result"]?[field] is JsonArray items && done(items)) return items;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"yard {string.Join(' ', args)}: {code} {stdout} {stderr}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Yard_dev_with_roles_runs_both_workers_and_yard_functions_lists_both_apps()
    {
        await using var yard = await YardProcess.StartDevAsync(TempDir.Create(), null, "--roles", "host,cluster", "--worker-port", "0");
        var server = yard.Url.ToString();

        // Dev mode allows shell: each role also serves its shell function.
        var functions = await PollCliAsync(["functions", "--json", "--server", server], "functions", f => f.Count == 5);
        var byId = functions.ToDictionary(f => Str(f!["id"])!, f => (Str(f!["appId"]), Str(f!["role"])));
        Assert.Equal(("switchyard-host", "host"), byId["switchyard-function-health"]);
        Assert.Equal(("switchyard-cluster", "cluster"), byId["switchyard-heartbeat"]);
        Assert.Equal(("switchyard-host", "host"), byId["switchyard-shell-host"]);
        Assert.Equal(("switchyard-cluster", "cluster"), byId["switchyard-shell-cluster"]);

        var apps = await PollCliAsync(["apps", "--json", "--server", server], "apps", a => a.Count == 2);
        Assert.Equal(["cluster", "host"], apps.Select(a => Str(a!["role"])).Order());
        // Each worker answers liveness on its own port.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var app in apps)
        {
            var health = await http.GetFromJsonAsync<JsonObject>(new Uri(new Uri(Str(app!["url"])!), "/health"));
            Assert.Equal(Str(app["id"]), Str(health!["app"]));
        }

        // No supervisor runs in dev, so `yard status` shows each in-process worker as the supervisor would: its state,
        // process, port, uptime and functions.
        var (code, stdout, stderr) = await Yard.RunAsync("status", "--json", "--server", server);
        Assert.True(code is 0 or 1, stderr);
        var components = JsonNode.Parse(stdout)!["result"]!["components"]!.AsArray();
        foreach (var (role, app) in new[] { ("host", "switchyard-host"), ("cluster", "switchyard-cluster") })
        {
            var line = components.Single(c => Str(c!["component"]) == $"worker {role}")!;
            Assert.Equal("ok", Str(line["status"]));
            var detail = Str(line["detail"])!;
            Assert.Contains($"{app} running in-process in yard dev (pid {yard.Process.Id}", detail);
            Assert.Contains(Str(apps.Single(a => Str(a!["id"]) == app)!["url"])!.TrimEnd('/'), detail);
            Assert.Contains("synced", detail);
            Assert.Matches(@"up \d", detail);
        }
    }

    [Fact]
    public async Task Yard_worker_registers_its_role_and_stops_on_SIGTERM()
    {
        await using var server = await TestServer.StartAsync();
        await using var worker = YardProcess.Start(null, "worker", "--role", "cluster", "--port", "0", "--server", server.Url.ToString(), "--app-id", "ops");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonArray apps;
        while ((apps = (await server.GetAsync("/v1/apps"))["apps"]!.AsArray()).Count == 0)
        {
            Assert.False(worker.Process.HasExited, worker.Output);
            Assert.True(DateTime.UtcNow < deadline, "the worker never registered: " + worker.Output);
            await Task.Delay(100);
        }
        var app = Assert.Single(apps)!;
        Assert.Equal("ops-cluster", Str(app["id"]));
        Assert.Equal("cluster", Str(app["role"]));
        var fn = Assert.Single((await server.GetAsync("/v1/functions"))["functions"]!.AsArray())!;
        Assert.Equal("ops-heartbeat", Str(fn["id"]));
        Assert.Contains("\"allowShell\": false", worker.Output, StringComparison.Ordinal);

        Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromSeconds(15)));
        var envelope = JsonNode.Parse(worker.Output[..(worker.Output.LastIndexOf('}') + 1)])!;
        Assert.Equal("ops-cluster", Str(envelope["result"]!["app"]));
    }

    [Fact]
    public async Task Yard_worker_allow_shell_from_the_flag_or_the_variable_registers_the_shell_function_and_says_so()
    {
        await using var server = await TestServer.StartAsync();
        await using var worker = YardProcess.Start(new Dictionary<string, string?> { ["SWITCHYARD_WORKER_ALLOW_SHELL"] = "true" },
            "worker", "--role", "host", "--port", "0", "--server", server.Url.ToString());
        var ids = await Eventually.GetAsync(async () =>
        {
            Assert.False(worker.Process.HasExited, worker.Output);
            var fns = (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => Str(f!["id"])).ToList();
            return fns.Count == 3 ? fns : null;
        }, () => "the worker to register (output: " + worker.Output + ")", TimeSpan.FromSeconds(30));
        Assert.Contains("switchyard-shell-host", ids);
        Assert.Contains("\"allowShell\": true", worker.Output, StringComparison.Ordinal);
        Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Yard_worker_with_an_unknown_role_exits_with_a_clear_error()
    {
        await using var fromEnv = YardProcess.Start(new Dictionary<string, string?> { ["SWITCHYARD_ROLE"] = "gpu" }, "worker", "--port", "0", "--json");
        Assert.Equal(1, await fromEnv.WaitAsync(TimeSpan.FromSeconds(20)));
        var error = JsonNode.Parse(fromEnv.Output)!;
        Assert.Equal("unknown_role", Str(error["error"]!["code"]));
        Assert.Contains("Unknown role \"gpu\"", Str(error["error"]!["message"]));
        Assert.Contains("--role host", Str(error["fix"]));

        await using var none = YardProcess.Start(null, "worker", "--port", "0", "--json");
        Assert.Equal(1, await none.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("missing_role", Str(JsonNode.Parse(none.Output)!["error"]!["code"]));

        var (code, stdout, _) = await Yard.RunAsync("dev", "--roles", "host,gpu", "--port", "0", "--json");
        Assert.Equal(1, code);
        Assert.Equal("unknown_role", Str(JsonNode.Parse(stdout)!["error"]!["code"]));
    }
}
