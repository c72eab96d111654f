using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Configuration;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>Pipelines: named DAGs from configuration, on a schedule or on demand, with a concurrency policy.</summary>
public sealed class PipelineTests
{
    private static Action<ServerOptions> With(string name, string json) => o => o.Pipelines[name] = JsonNode.Parse(json)!.AsObject();

    private static long TickOf(PipelineHistoryEntry e) =>
        long.Parse(e.EventId[(e.EventId.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private static async Task<PipelineHistory> HistoryAsync(DagHost host, string name, Func<PipelineHistory, bool> done, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var history = await host.Client.GetPipelineHistoryAsync(name, 500);
            return done(history) ? history : null;
        }, what, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_one_second_schedule_fires_exactly_once_per_tick_across_a_restart()
    {
        var dir = TempDir.Create();
        var configure = With("tick", """{"schedule":"* * * * * *","nodes":[{"id":"a","handler":"noop"}]}""");
        long lastBefore;
        await using (var host = await DagHost.StartAsync(configure, dir))
        {
            var before = await HistoryAsync(host, "tick", h => h.Entries.Count >= 3, "three ticks");
            lastBefore = before.Entries.Max(TickOf);
        }
        // Down for a few ticks: on restart only the newest missed tick fires, once.
        var stoppedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var host = await DagHost.StartAsync(configure, dir))
        {
            var history = await HistoryAsync(host, "tick", h => h.Entries.Count(e => TickOf(e) > restartedAt) >= 2, "two ticks after the restart");
            var ticks = history.Entries.Select(TickOf).Order().ToList();
            Assert.Equal(ticks.Count, ticks.Distinct().Count());
            Assert.All(ticks, t => Assert.Equal(0, t % 1000));
            // Every tick started one run of its own.
            Assert.All(history.Entries, e => Assert.Equal("matched", e.Outcome));
            Assert.Equal(history.Entries.Count, history.Entries.Select(e => e.RunId).Distinct().Count());
            // The downtime held at least two ticks; they are not replayed. The ticker resumes once the restarted
            // server has loaded its registry and the worker has synced, which on a loaded machine can be after the
            // next tick: so at most one downtime tick fires, and if one does it is the newest before the restart.
            Assert.True(lastBefore < stoppedAt);
            var missed = ticks.Where(t => t > stoppedAt && t <= restartedAt).ToList();
            Assert.True(missed.Count <= 1, $"{missed.Count} ticks of the downtime fired: {string.Join(", ", missed)}");
            if (missed.Count == 1)
                Assert.True(restartedAt - missed[0] < 1000, $"the missed tick that fired ({missed[0]}) must be the newest before the restart ({restartedAt})");
            await Eventually.TrueAsync(async () => (await host.Client.ListDagRunsAsync("tick")).Runs.All(r => r.Status == "Completed"), "the tick runs to complete");
        }
    }

    [Fact]
    public async Task Concurrency_forbid_skips_a_tick_while_the_last_run_is_going_and_records_why()
    {
        await using var host = await DagHost.StartAsync(With("slow",
            """{"schedule":"* * * * * *","concurrency":"forbid","nodes":[{"id":"wait","handler":"noop","config":{"sleep":"3s"}}]}"""));
        var history = await HistoryAsync(host, "slow", h => h.Entries.Any(e => e.Outcome == "pipeline_busy") && h.Entries.Count(e => e.Outcome == "matched") >= 2,
            "a skipped tick and a second run");
        var skipped = history.Entries.First(e => e.Outcome == "pipeline_busy");
        Assert.Contains("concurrency = \"forbid\"", skipped.Reason);
        Assert.Null(skipped.RunId);
        // yard why on the skipped tick's event gives the same answer.
        var why = await host.Client.WhyAsync(skipped.EventId);
        Assert.Contains("pipeline_busy", why.ToJsonString());
        // Runs never overlapped.
        var runs = (await host.Client.ListDagRunsAsync("slow")).Runs.OrderBy(r => r.CreatedAt).ToList();
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i - 1].EndedAt is { } end && runs[i].CreatedAt >= end, $"run {runs[i].RunId} started before {runs[i - 1].RunId} ended");
    }

    [Fact]
    public async Task A_pipeline_triggered_with_data_reads_it_in_templates_and_lists_with_its_schedule()
    {
        await using var host = await DagHost.StartAsync(With("greet",
            """{"description":"says hello","schedule":"0 9 * * 1-5","nodes":[{"id":"hi","handler":"noop","config":{"output":"hello {{input.name}}"}}]}"""));
        var list = await host.Client.ListPipelinesAsync();
        var greet = Assert.Single(list.Pipelines);
        Assert.Equal(("greet", "0 9 * * 1-5", "allow"), (greet.Name, greet.Schedule, greet.Concurrency));
        Assert.NotNull(greet.NextRunAt);
        // yard topology shows it, its schedule and what runs it.
        var topology = await host.Client.GetTopologyAsync();
        Assert.Equal("0 9 * * 1-5", topology["pipelines"]![0]!["schedule"]!.GetValue<string>());
        Assert.Contains(topology["edges"]!.AsArray(), e => e!["from"]!.GetValue<string>() == "0 9 * * 1-5" && e["to"]!.GetValue<string>() == "greet");
        Assert.Contains(topology["edges"]!.AsArray(), e => e!["from"]!.GetValue<string>() == "greet" && e["to"]!.GetValue<string>() == "switchyard-dag");
        var result = await host.Client.TriggerPipelineAsync("greet", new PipelineTriggerRequest(JsonNode.Parse("""{"name":"ada"}""")));
        Assert.Equal("started", result.Outcome);
        var view = await host.WaitAsync(result.RunId!);
        Assert.Equal("greet", view.Pipeline);
        Assert.Equal("hello ada", view.Nodes[0].Output!.GetValue<string>());
        var error = await Assert.ThrowsAsync<Switchyard.Client.SwitchyardApiException>(() => host.Client.TriggerPipelineAsync("nope", new PipelineTriggerRequest()));
        Assert.Contains("known: greet", error.Message);
    }

    [Fact]
    public async Task A_bad_pipeline_stops_the_server_naming_pipeline_node_and_field()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DagHost.StartAsync(With("broken",
            """{"schedule":"every tuesday","nodes":[{"id":"a","handler":"shell"}]}""")));
        Assert.Contains("pipelines.broken: node 'a': config.command", error.Message);
        Assert.Contains("pipelines.broken: schedule 'every tuesday'", error.Message);
    }

    [Fact]
    public async Task A_pipeline_with_notify_asks_the_gateway_to_tell_its_channel_how_each_run_ended()
    {
        await using var host = await DagHost.StartAsync(With("report",
            """{"notify":"ops","nodes":[{"id":"count","handler":"noop","config":{"output":{"rows":42}}},{"id":"fail","handler":"shell","dependsOn":["count"],"config":{"command":"{{input.command}}"}}]}"""));
        var ok = await host.Client.TriggerPipelineAsync("report", new PipelineTriggerRequest(JsonNode.Parse("""{"command":"echo done"}""")), TimeSpan.FromSeconds(30));
        var bad = await host.Client.TriggerPipelineAsync("report", new PipelineTriggerRequest(JsonNode.Parse("""{"command":"echo nope >&2; exit 2"}""")), TimeSpan.FromSeconds(30));
        var requests = await Eventually.GetAsync(async () =>
        {
            var events = await host.Server.EventsAsync("gateway/notify.requested");
            return events.Count >= 2 ? events : null;
        }, "two notification requests");
        var byRun = requests.ToDictionary(e => e["data"]!["correlationId"]!.GetValue<string>(), e => e["data"]!.AsObject());
        var success = byRun["pipeline:" + ok.RunId];
        Assert.Equal(("progress", "ops"), (success["kind"]!.GetValue<string>(), success["replyTo"]!["channel"]!.GetValue<string>()));
        Assert.Contains("pipeline report completed", success["text"]!.GetValue<string>());
        Assert.Contains("• count: {\"rows\":42}", success["text"]!.GetValue<string>());
        Assert.Contains("• fail: done", success["text"]!.GetValue<string>());
        var failure = byRun["pipeline:" + bad.RunId];
        Assert.Equal("alert", failure["kind"]!.GetValue<string>());
        Assert.Contains("node 'fail' failed after 1 attempt: exit code 2: nope", failure["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_queue_family_with_the_pipeline_handler_starts_a_pipeline_run_with_the_item_as_input()
    {
        await using var host = await DagHost.StartAsync(o =>
        {
            o.Pipelines["build"] = JsonNode.Parse("""{"nodes":[{"id":"compile","handler":"shell","config":{"command":"echo building {{input.repo}}"}}]}""")!.AsObject();
            o.Queue.Families["builds"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Pipeline, Pipeline = "build" };
        });
        var emitted = await host.Client.QueueEmitAsync("builds", new QueueEmitRequest(new JsonObject { ["repo"] = "switchyard" }));
        var run = await Eventually.GetAsync(async () => (await host.Client.ListDagRunsAsync("build")).Runs.FirstOrDefault(), "the queue item to start a pipeline run");
        var view = await host.WaitAsync(run.RunId);
        Assert.Equal("Completed", view.Status);
        Assert.Equal("building switchyard", view.Nodes[0].Output!.GetValue<string>());
        // The pipeline's history names the item that asked.
        var history = await host.Client.GetPipelineHistoryAsync("build");
        Assert.Equal(PipelineLauncherEventId("build", emitted.Id), Assert.Single(history.Entries).EventId);
    }

    [Fact]
    public async Task Concurrency_replace_cancels_the_running_run_and_starts_the_new_one()
    {
        await using var host = await DagHost.StartAsync(With("deploy",
            """{"concurrency":"replace","nodes":[{"id":"wait","handler":"noop","config":{"sleep":"1h"}}]}"""));
        var first = await host.Client.TriggerPipelineAsync("deploy", new PipelineTriggerRequest());
        await Eventually.TrueAsync(async () => (await host.Client.GetDagRunAsync(first.RunId!)).Status == "Running", "the first run to start");
        var second = await host.Client.TriggerPipelineAsync("deploy", new PipelineTriggerRequest());
        Assert.Equal("replaced", second.Outcome);
        Assert.Contains(first.RunId!, second.Reason);
        Assert.Equal("Cancelled", (await host.WaitAsync(first.RunId!)).Status);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Contains((await host.Client.GetDagRunAsync(second.RunId!)).Status, new[] { "Queued", "Running" });
    }

    [Fact]
    public async Task Pipelines_are_read_from_pipelines_dir_one_file_each()
    {
        var dir = TempDir.Create();
        File.WriteAllText(Path.Combine(dir, "hello.toml"), "[[nodes]]\nid = \"hi\"\nhandler = \"noop\"\nconfig = { output = \"hello\" }\n");
        File.WriteAllText(Path.Combine(dir, "bye.json"), """{"description":"from json","nodes":[{"id":"bye","handler":"noop"}]}""");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a pipeline");
        await using var host = await DagHost.StartAsync(o => o.PipelinesDir = dir);
        var names = (await host.Client.ListPipelinesAsync()).Pipelines.Select(p => p.Name).ToList();
        Assert.Equal(["bye", "hello"], names);
        var run = await host.Client.TriggerPipelineAsync("hello", new PipelineTriggerRequest(), TimeSpan.FromSeconds(30));
        Assert.Equal("hello", (await host.Client.GetDagRunAsync(run.RunId!)).Nodes[0].Output!.GetValue<string>());
    }

    private static string PipelineLauncherEventId(string pipeline, string itemId) => $"pipeline:{pipeline}:queue:{itemId}";
}
