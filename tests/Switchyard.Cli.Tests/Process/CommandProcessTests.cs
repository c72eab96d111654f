using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Process;

/// <summary>The commands that were tested only through their REST endpoints, run as the <c>yard</c> process a user
/// runs: exit code, and the envelope's <c>ok</c>, <c>command</c> and <c>result</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class CommandProcessTests(CliFixture fx)
{
    [Fact]
    public async Task Runs_run_why_and_trace_show_a_sleeping_run_and_cancel_ends_it()
    {
        var slow = await fx.FunctionIdAsync("slow");
        var eventId = await fx.Server.SendEventAsync("cliproc/slow", new { n = 1 });
        var runId = (await fx.Server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();

        var runs = (await fx.OkAsync("runs", "--function", slow))["result"]!["runs"]!.AsArray();
        var listed = runs.Single(r => r!["id"]!.GetValue<string>() == runId)!;
        Assert.Equal(eventId, listed["eventId"]!.GetValue<string>());
        Assert.Contains(listed["status"]!.GetValue<string>(), new[] { "Queued", "Running" });

        var shown = await fx.OkAsync("run", runId);
        Assert.Equal(slow, shown["result"]!["run"]!["functionId"]!.GetValue<string>());
        Assert.Equal($"yard cancel {runId}", shown["next_actions"]![0]!["command"]!.GetValue<string>());

        var why = (await fx.OkAsync("why", eventId))["result"]!;
        var verdict = why["functions"]!.AsArray().Single(f => f!["functionId"]!.GetValue<string>() == slow)!;
        Assert.True(verdict["ran"]!.GetValue<bool>(), verdict.ToJsonString());
        Assert.Equal(runId, verdict["runId"]!.GetValue<string>());

        var trace = (await fx.OkAsync("trace", eventId))["result"]!;
        Assert.Equal(eventId, trace["id"]!.GetValue<string>());
        var child = trace["children"]!.AsArray().Single(c => c!["functionId"]!.GetValue<string>() == slow)!;
        Assert.Equal(runId, child["run"]!["id"]!.GetValue<string>());

        await fx.OkAsync("cancel", runId);
        var after = await fx.Server.WaitForRunAsync(runId);
        Assert.Equal("Cancelled", after["run"]!["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", (await fx.OkAsync("run", runId))["result"]!["run"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_an_unknown_run_exits_1_with_an_error_envelope()
    {
        var run = await Yard.RunAsync("cancel", "01J0000000000000000000NOPE", "--json", "--server", fx.Url);
        Assert.Equal(1, run.ExitCode);
        Assert.False(run.Envelope["ok"]!.GetValue<bool>());
        Assert.Equal("cancel", run.Envelope["command"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(run.Envelope["error"]!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Pause_skips_events_resume_and_replay_start_runs_for_them()
    {
        var fn = await fx.FunctionIdAsync("pausable");
        await fx.OkAsync("pause", fn);
        Assert.True(Function(await fx.OkAsync("functions"), fn)["paused"]!.GetValue<bool>());

        var skipped = await fx.Server.SendEventAsync("cliproc/pausable", new { n = 1 });
        // The decision is recorded as the event is matched, a moment after it is accepted.
        JsonNode? why = null;
        await Eventually.TrueAsync(async () =>
        {
            why = (await fx.OkAsync("why", skipped))["result"]!["functions"]!.AsArray().Single(f => f!["functionId"]!.GetValue<string>() == fn)!;
            return why["verdict"]?.GetValue<string>() == "paused";
        }, () => $"yard why to say {fn} was paused (last: {why?.ToJsonString()})");
        Assert.False(why!["ran"]!.GetValue<bool>());

        var resumed = await fx.OkAsync("resume", fn);
        Assert.StartsWith($"yard replay --function {fn}", resumed["next_actions"]![0]!["command"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(Function(await fx.OkAsync("functions"), fn)["paused"]!.GetValue<bool>());

        var replay = (await fx.OkAsync("replay", "--function", fn, "--from", "1h"))["result"]!;
        Assert.True(replay["count"]!.GetValue<int>() >= 1, replay.ToJsonString());
        var run = await Eventually.GetAsync(async () =>
            (await fx.OkAsync("runs", "--function", fn))["result"]!["runs"]!.AsArray().FirstOrDefault(r => r!["status"]!.GetValue<string>() == "Completed"),
            $"a completed run of {fn} after the replay");
        Assert.NotNull(run);
    }

    [Fact]
    public async Task Cron_list_shows_the_schedule_and_trigger_starts_a_run()
    {
        var nightly = await fx.FunctionIdAsync("nightly");
        var schedules = (await fx.OkAsync("cron list"))["result"]!["schedules"]!.AsArray();
        var schedule = schedules.Single(s => s!["functionId"]!.GetValue<string>() == nightly)!;
        Assert.Equal("0 3 * * *", schedule["cron"]!.GetValue<string>());
        Assert.True(schedule["nextFire"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), schedule.ToJsonString());

        var fired = await fx.OkAsync("cron trigger", nightly);
        var runId = fired["result"]!["runId"]!.GetValue<string>();
        Assert.Equal($"yard run {runId}", fired["next_actions"]![0]!["command"]!.GetValue<string>());
        var run = await fx.Server.WaitForRunAsync(runId);
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_waits_and_prints_the_functions_result()
    {
        var fn = await fx.FunctionIdAsync("double");
        var run = (await fx.OkAsync("invoke", fn, "-d", """{"x":21}"""))["result"]!["run"]!;
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        Assert.Equal(42, run["output"]!["doubled"]!.GetValue<int>());

        var bad = await Yard.RunAsync("invoke", fn, "-d", "[1]", "--json", "--server", fx.Url);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("invalid_data", bad.Envelope["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_registers_the_app_at_a_url()
    {
        var result = (await fx.OkAsync("sync", fx.App.ServeUrl.ToString()))["result"]!;
        Assert.Equal(CliFixture.AppId, result["app"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_is_ok_and_topology_draws_the_functions_in_mermaid()
    {
        var status = (await fx.OkAsync("status"))["result"]!;
        var components = status["components"]!.AsArray();
        Assert.Equal("ok", components.Single(c => c!["component"]!.GetValue<string>() == "server")!["status"]!.GetValue<string>());
        // Other tests of the collection may leave an app behind them that no longer answers (the gateway's), so the
        // whole can be degraded; but never down (that exits 1), and every component that is not ok names its fix.
        Assert.Contains(status["overall"]!.GetValue<string>(), new[] { "ok", "degraded" });
        Assert.All(components.Where(c => c!["status"]!.GetValue<string>() != "ok"), c => Assert.False(string.IsNullOrEmpty(c!["fix"]?.GetValue<string>()), c.ToJsonString()));

        var topology = (await fx.OkAsync("topology"))["result"]!;
        Assert.Contains(topology["apps"]!.AsArray(), a => a!["id"]!.GetValue<string>() == CliFixture.AppId);

        // Documents are printed as they are, never wrapped in an envelope.
        var mermaid = await Yard.RunAsync("topology", "--format", "mermaid", "--server", fx.Url);
        Assert.Equal(0, mermaid.ExitCode);
        Assert.StartsWith("flowchart LR\n", mermaid.Stdout, StringComparison.Ordinal);
        Assert.Contains($"[\"{await fx.FunctionIdAsync("nightly")}\"]", mermaid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_names_the_source_of_each_value()
    {
        var dir = TempDir.Create();
        await File.WriteAllTextAsync(Path.Combine(dir, "yard.toml"), "call_timeout = \"45s\"\n");
        var psi = Yard.StartInfo(dir, new Dictionary<string, string?> { ["SWITCHYARD_PORT"] = "9123" }, "config", "--json", "--server", fx.Url);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stdout + await process.StandardError.ReadToEndAsync());
        var result = JsonNode.Parse(stdout)!["result"]!;
        Assert.True(result["fileExists"]!.GetValue<bool>());
        var values = result["values"]!;
        Assert.Equal(("45s", "toml (yard.toml)"), Source(values["CallTimeout"]!));
        Assert.Equal(("9123", "environment (SWITCHYARD_*)"), Source(values["Port"]!));
        Assert.Equal((fx.Url, "flag"), Source(values["ServerUrl"]!));
        // Everything not set anywhere is reported as the default, not left without a source.
        Assert.Contains(values.AsObject(), v => v.Value!["source"]!.GetValue<string>() == "default");
    }

    private static (string Value, string Source) Source(JsonNode row) => (row["value"]!.GetValue<string>(), row["source"]!.GetValue<string>());

    private static JsonNode Function(JsonObject envelope, string id) =>
        envelope["result"]!["functions"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == id)!;
}
