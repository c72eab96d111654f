using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Worker.Tests.Shell;

/// <summary>The shell function: registered only by a worker that allows shell, and invoked through a real server
/// (<c>POST /v1/functions/{id}/invoke</c>) with attempts numbered per DAG node and a cancelled DAG run killing it.</summary>
public sealed class ShellFunctionTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private WorkerOptions Options(bool allowShell) => new() { Role = WorkerRoles.Host, Port = 0, ServerUrl = _server.Url, SyncAtStart = false, AllowShell = allowShell };

    private static async Task<WorkerApp> StartAsync(WorkerOptions options)
    {
        var worker = WorkerApp.Build(options, _ => { });
        await worker.StartAsync();
        return worker;
    }

    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public async Task Only_a_worker_that_allows_shell_registers_its_roles_shell_function()
    {
        await using (var plain = await StartAsync(Options(allowShell: false)))
        {
            Assert.DoesNotContain("switchyard-shell-host", plain.FunctionIds);
            await plain.SyncAsync();
            var ids = (await _server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => Str(f!["id"]));
            Assert.Equal(["switchyard-dag", "switchyard-function-health"], ids.Order());
        }

        await using var shell = await StartAsync(Options(allowShell: true));
        Assert.Equal(["switchyard-function-health", "switchyard-dag", "switchyard-shell-host"], shell.FunctionIds);
        await shell.SyncAsync();
        var registered = (await _server.GetAsync("/v1/functions"))["functions"]!.AsArray()
            .ToDictionary(f => Str(f!["id"])!, f => Str(f!["appId"]));
        Assert.Equal("switchyard-host", registered["switchyard-shell-host"]);
        using var http = new HttpClient();
        var health = (await http.GetFromJsonAsync<JsonObject>(shell.HealthUrl))!;
        Assert.Equal(["switchyard-function-health", "switchyard-dag", "switchyard-shell-host"], health["functions"]!.AsArray().Select(Str));

        // The event trigger is inert: sending it starts nothing.
        var eventId = await _server.SendEventAsync("switchyard/shell.requested", new { dagRunId = "r", node = "n", command = "true" });
        var evt = await _server.GetAsync($"/v1/events/{eventId}");
        Assert.Empty(evt["runs"]!.AsArray());
    }

    [Fact]
    public async Task An_invoke_runs_the_command_with_the_node_variables_and_numbers_each_execution()
    {
        await using var worker = await StartAsync(Options(allowShell: true));
        await worker.SyncAsync();
        var request = new JsonObject
        {
            ["dagRunId"] = "dag-1", ["node"] = "build",
            ["command"] = "printf '%s %s %s %s' \"$SWITCHYARD_RUN_ID\" \"$SWITCHYARD_NODE_ID\" \"$SWITCHYARD_ATTEMPT\" \"$DEP_FETCH\"; echo oops >&2; exit 4",
            ["env"] = new JsonObject { ["DEP_FETCH"] = "fetched" },
        };

        var first = await InvokeAsync(request);
        Assert.Equal(4, first["exitCode"]!.GetValue<int>());
        Assert.Equal("dag-1 build 1 fetched", Str(first["stdout"]));
        Assert.Equal("oops\n", Str(first["stderrTail"]));
        Assert.Equal(1, first["attempt"]!.GetValue<int>());
        Assert.False(first["stdoutTruncated"]!.GetValue<bool>());
        Assert.False(first["timedOut"]!.GetValue<bool>());

        // Another execution of the same node (a retry, or a re-delivery after a crash) gets the next number.
        var second = await InvokeAsync(request);
        Assert.Equal(2, second["attempt"]!.GetValue<int>());
        Assert.Equal("dag-1 build 2 fetched", Str(second["stdout"]));
    }

    [Fact]
    public async Task Ending_the_dag_run_kills_the_running_command_and_its_children()
    {
        await using var worker = await StartAsync(Options(allowShell: true));
        await worker.SyncAsync();
        // A stand-in for the DAG orchestrator's run: it waits until cancelled.
        await using var dagApp = await TestApp.StartAsync(_server, "dags", b => b.AddFunction<WaitingDag>());
        var dagRunId = Str((await _server.WaitForRunsOfEventAsync(await _server.SendEventAsync("test/dag", new { })))[0]!["id"])!;

        var pidFile = Path.Combine(TempDir.Create(), "child.pid");
        using var invoke = await _server.Http.PostAsJsonAsync("/v1/functions/switchyard-shell-host/invoke", new
        {
            data = new { dagRunId, node = "long", command = $"sleep 300 & echo $! > '{pidFile}'; sleep 300" },
            wait = false,
        });
        var shellRunId = Str(JsonNode.Parse(await invoke.Content.ReadAsStringAsync())!["run"]!["id"])!;
        await Eventually.WaitUntilAsync(() => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0, Generous, "the command to start its child");
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);

        using (var cancel = await _server.Http.PostAsync($"/v1/runs/{dagRunId}/cancel", null)) Assert.True(cancel.IsSuccessStatusCode);
        await Eventually.WaitUntilAsync(() => ShellRunnerTests.Gone(child), Generous, $"background child {child} to be killed");
        var run = await _server.WaitForRunAsync(shellRunId, Generous);
        Assert.Equal("Completed", Str(run["run"]!["status"]));
        Assert.True(run["run"]!["output"]!["cancelled"]!.GetValue<bool>());
    }

    private async Task<JsonObject> InvokeAsync(JsonObject data)
    {
        using var response = await _server.Http.PostAsJsonAsync("/v1/functions/switchyard-shell-host/invoke", new { data, timeout = "30s" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var run = JsonNode.Parse(text)!["run"]!;
        Assert.Equal("Completed", Str(run["status"]));
        return run["output"]!.AsObject();
    }

    /// <summary>Waits for a day: a DAG run that ends only when cancelled.</summary>
    public sealed class WaitingDag : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder function) => function.Id("waiting").OnEvent("test/dag");

        public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
        {
            await context.Step.SleepAsync("wait", TimeSpan.FromDays(1));
            return null;
        }
    }
}
