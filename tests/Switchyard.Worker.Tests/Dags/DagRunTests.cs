using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>DAG runs end to end: a real server, the orchestrator and shell function on a real host worker, real
/// processes for shell nodes.</summary>
public sealed class DagRunTests : IAsyncLifetime
{
    private DagHost _host = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _host = await DagHost.StartAsync();
        _dir = TempDir.Create();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static DagNodeView Node(DagRunView view, string id) => view.Nodes.Single(n => n.Id == id);

    [Theory]
    [InlineData("""{"nodes":[]}""", "nodes")]
    [InlineData("""{"nodes":[{"handler":"noop"}]}""", "nodes[0]': id")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop"},{"id":"a","handler":"noop"}]}""", "node 'a': id")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","dependsOn":["a"]}]}""", "node 'a': dependsOn: a node cannot depend on itself")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","dependsOn":["ghost"]}]}""", "'ghost' is not a node")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","dependsOn":["b"]},{"id":"b","handler":"noop","dependsOn":["a"]}]}""", "cycle: ")]
    [InlineData("""{"nodes":[{"id":"a","handler":"shell"}]}""", "node 'a': config.command")]
    public async Task A_bad_dag_gets_a_400_naming_node_and_field_and_nothing_is_stored(string dag, string expected)
    {
        var eventsBefore = (await _host.Server.EventsAsync("")).Count;
        using var response = await _host.PostRawAsync(dag);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_dag", body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains(expected, body["error"]!["message"]!.GetValue<string>());
        Assert.Empty((await _host.Client.ListDagRunsAsync()).Runs);
        Assert.Equal(eventsBefore, (await _host.Server.EventsAsync("")).Count);
    }

    [Fact]
    public async Task A_diamond_runs_b_and_c_in_parallel_and_d_after_both()
    {
        var log = Path.Combine(_dir, "order.log");
        // b and c each take a second (shell sleep); in parallel, d starts about one second after a ends, not two.
        var view = await _host.RunAsync("""
            {"nodes":[
              {"id":"a","handler":"shell","config":{"command":"echo a >> @LOG@; printf '{\"n\":41}'"}},
              {"id":"b","handler":"shell","dependsOn":["a"],"config":{"command":"sleep 1; echo b >> @LOG@; echo \"b saw $DEP_A\""}},
              {"id":"c","handler":"shell","dependsOn":["a"],"config":{"command":"sleep 1; echo c >> @LOG@; echo {{nodes.a.output.n}}"}},
              {"id":"d","handler":"shell","dependsOn":["b","c"],"config":{"command":"echo d >> @LOG@; echo \"$DEP_B / $DEP_C / $SWITCHYARD_NODE_ID $SWITCHYARD_ATTEMPT\""}}]}
            """.Replace("@LOG@", log));
        Assert.Equal("Completed", view.Status);
        var lines = File.ReadAllLines(log);
        Assert.Equal("a", lines[0]);
        Assert.Equal("d", lines[3]);
        Assert.Equal(["b", "c"], lines[1..3].Order());
        var (a, b, c, d) = (Node(view, "a"), Node(view, "b"), Node(view, "c"), Node(view, "d"));
        // Outputs travel: DEP_* variables and templates.
        Assert.Equal("b saw {\"n\":41}", b.Output!.GetValue<string>().Trim());
        Assert.Equal("41", c.Output!.GetValue<string>().Trim());
        Assert.Equal("b saw {\"n\":41} / 41 / d 1", d.Output!.GetValue<string>().Trim());
        // Never before its dependencies; b and c overlap; d does not wait for a second round.
        Assert.True(b.StartedAt >= a.EndedAt && c.StartedAt >= a.EndedAt);
        Assert.True(d.StartedAt >= Math.Max(b.EndedAt!.Value, c.EndedAt!.Value));
        Assert.True(b.StartedAt < c.EndedAt && c.StartedAt < b.EndedAt, "b and c must overlap");
        Assert.InRange(d.StartedAt!.Value - a.EndedAt!.Value, 900, 1900);
    }

    [Fact]
    public async Task A_node_starts_when_its_own_dependencies_are_done_not_when_a_wave_is()
    {
        // e needs only b; c sleeps 2 s. With waves e would wait for c.
        var view = await _host.RunAsync("""
            {"nodes":[
              {"id":"a","handler":"noop"},
              {"id":"b","handler":"noop","dependsOn":["a"]},
              {"id":"c","handler":"noop","dependsOn":["a"],"config":{"sleep":"2s"}},
              {"id":"e","handler":"noop","dependsOn":["b"],"config":{"output":"early"}},
              {"id":"f","handler":"noop","dependsOn":["c","e"]}]}
            """);
        Assert.Equal("Completed", view.Status);
        Assert.True(Node(view, "e").EndedAt < Node(view, "c").EndedAt, "e must finish while c still sleeps");
        Assert.True(Node(view, "f").StartedAt >= Node(view, "c").EndedAt);
    }

    [Fact]
    public async Task A_failing_node_skips_its_dependents_lets_running_branches_finish_and_fails_the_dag_naming_it()
    {
        var marker = Path.Combine(_dir, "slow-finished");
        var view = await _host.RunAsync("""
            {"nodes":[
              {"id":"a","handler":"noop"},
              {"id":"bad","handler":"shell","dependsOn":["a"],"retries":1,"config":{"command":"echo boom >&2; exit 3"}},
              {"id":"slow","handler":"shell","dependsOn":["a"],"config":{"command":"sleep 3; touch @MARKER@"}},
              {"id":"after-bad","handler":"noop","dependsOn":["bad"]},
              {"id":"after-slow","handler":"noop","dependsOn":["slow"]}],
             "retryDelay":"1s"}
            """.Replace("@MARKER@", marker));
        Assert.Equal("Failed", view.Status);
        Assert.Equal("bad", view.FailedNode);
        Assert.Contains("node 'bad' failed after 2 attempts: exit code 3: boom", view.Error);
        var bad = Node(view, "bad");
        Assert.Equal(("failed", 2), (bad.State, bad.Attempts));
        Assert.Equal(2, bad.Detail!["attempt"]!.GetValue<int>());
        Assert.Equal("skipped", Node(view, "after-bad").State);
        // The branch already running finished; nothing new started after the failure.
        Assert.Equal("completed", Node(view, "slow").State);
        Assert.True(File.Exists(marker));
        Assert.Equal("skipped", Node(view, "after-slow").State);

        // The decision trail: dag.node.failed and dag.node.skipped telemetry, dag.run.failed.
        var records = await Eventually.GetAsync(async () =>
        {
            var list = await _host.Client.ListTelemetryAsync(runId: view.RunId);
            var actions = list.Events.Select(e => e.Action).ToList();
            return actions.Contains("dag.run.failed") && actions.Count(a => a == "dag.node.skipped") == 2 ? actions : null;
        }, "DAG telemetry");
        Assert.Equal(2, records.Count(a => a == "dag.node.failed"));
        Assert.Contains("dag.node.completed", records);
        Assert.Contains("dag.node.started", records);
    }

    [Fact]
    public async Task A_shell_timeout_kills_the_process_group_with_its_children()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var view = await _host.RunAsync("""
            {"nodes":[{"id":"hang","handler":"shell","timeout":"1s","config":{"command":"sleep 300 & echo $! > @PIDFILE@; sleep 300"}}]}
            """.Replace("@PIDFILE@", pidFile));
        Assert.Equal("Failed", view.Status);
        Assert.Contains("timed out", Node(view, "hang").Error);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => Task.FromResult(!Alive(pid)), $"the background child {pid} to be gone", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task The_same_request_id_answers_with_the_first_run()
    {
        var dag = JsonNode.Parse("""{"requestId":"nightly-2026-12-04","nodes":[{"id":"a","handler":"noop"}]}""")!.AsObject();
        var first = await _host.Client.SubmitDagAsync(dag);
        var again = await _host.Client.SubmitDagAsync(dag);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.RunId, again.RunId);
        Assert.Single((await _host.Client.ListDagRunsAsync()).Runs);
    }

    [Fact]
    public async Task Cancelling_a_dag_kills_its_running_shell_nodes_and_starts_nothing_more()
    {
        var pidFile = Path.Combine(_dir, "long.pid");
        var after = Path.Combine(_dir, "after-ran");
        var submitted = await _host.Client.SubmitDagAsync(JsonNode.Parse("""
            {"nodes":[{"id":"long","handler":"shell","config":{"command":"echo $$ > @PIDFILE@; sleep 300"}},
                      {"id":"after","handler":"shell","dependsOn":["long"],"config":{"command":"touch @AFTER@"}}]}
            """.Replace("@AFTER@", after).Replace("@PIDFILE@", pidFile))!.AsObject());
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0), "the shell node to start");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var cancelled = await _host.Client.CancelDagRunAsync(submitted.RunId);
        Assert.Equal("Cancelled", cancelled.Status);
        await Eventually.TrueAsync(() => Task.FromResult(!Alive(pid)), $"the shell process {pid} to be killed", TimeSpan.FromSeconds(15));
        Assert.False(File.Exists(after));
        Assert.Equal("cancelled", Node(await _host.Client.GetDagRunAsync(submitted.RunId), "after").State);
    }

    [Fact]
    public async Task Dag_runs_show_in_runs_trace_and_why_like_any_run()
    {
        var submitted = await _host.Client.SubmitDagAsync(JsonNode.Parse("""{"nodes":[{"id":"a","handler":"noop"}]}""")!.AsObject());
        await _host.WaitAsync(submitted.RunId);
        var runs = await _host.Client.ListRunsAsync(functionId: "switchyard-dag");
        Assert.Contains(runs.Runs, r => r.Id == submitted.RunId);
        var why = await _host.Client.WhyAsync(submitted.EventId);
        Assert.Contains(submitted.RunId, why.ToJsonString());
        var trace = await _host.Client.TraceAsync(submitted.EventId);
        Assert.Contains(submitted.RunId, trace.ToJsonString());
    }

    private static bool Alive(int pid)
    {
        // A zombie (state Z) has exited; only its parent's wait is missing.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
