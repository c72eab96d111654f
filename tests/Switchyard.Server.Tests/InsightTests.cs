using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Cli.Topology;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary><c>yard why</c>, <c>trace</c>, <c>status</c> and <c>topology</c>, each reason produced for real.</summary>
public sealed class InsightTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _app = await TestApp.StartAsync(_server, "ins", sdk => sdk
            .AddFunction<Emitter>().AddFunction<Receiver>().AddFunction<Filtered>().AddFunction<GivesUp>()
            .AddFunction<RateLimited>().AddFunction<Pausable>().AddFunction<EverySecond>(),
            s => s.AddSingleton(new Probe()));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<JsonObject> WhyAsync(string eventId, string functionId)
    {
        var why = await _server.GetAsync($"/v1/events/{eventId}/why?function={functionId}");
        return why["functions"]!.AsArray().Single()!.AsObject();
    }

    [Fact]
    public async Task Why_no_trigger_suggests_the_nearest_names()
    {
        var id = (await _server.SendAsync(new { name = "e2e/emitt" }))[0];
        var why = await WhyAsync(id, "ins-emitter");
        Assert.False(why["ran"]!.GetValue<bool>());
        Assert.Equal("no_trigger", why["verdict"]!.GetValue<string>());
        Assert.Contains("e2e/emit", why["nearestNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Why_expression_false_shows_the_values_read()
    {
        var id = (await _server.SendAsync(new { name = "e2e/filter/x", data = new { go = "yes" } }))[0];
        var why = await WhyAsync(id, "ins-filtered");
        Assert.Equal("expression_false", why["verdict"]!.GetValue<string>());
        Assert.Equal("event.data.go == true", why["expression"]!.GetValue<string>());
        Assert.Equal("yes", why["values"]!["event.data.go"]!.GetValue<string>());
    }

    [Fact]
    public async Task Why_paused()
    {
        await _server.Http.PostAsync("/v1/functions/ins-pausable/pause", null);
        var id = (await _server.SendAsync(new { name = "flow/pausable" }))[0];
        await _server.Http.PostAsync("/v1/functions/ins-pausable/resume", null);
        Assert.Equal("paused", (await WhyAsync(id, "ins-pausable"))["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task Why_flow_control_names_the_rule_and_key()
    {
        await _server.SendAsync(new { name = "flow/rate", data = new { user = "w" } });
        var id = (await _server.SendAsync(new { name = "flow/rate", data = new { user = "w" } }))[0];
        var why = await WhyAsync(id, "ins-rate-limited");
        Assert.Equal("rate_limited", why["verdict"]!.GetValue<string>());
        Assert.Contains("'w'", why["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Why_run_failed_names_the_step_and_error()
    {
        var id = (await _server.SendAsync(new { name = "e2e/nonretriable" }))[0];
        await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>());
        var why = await WhyAsync(id, "ins-gives-up");
        Assert.True(why["ran"]!.GetValue<bool>());
        Assert.Equal("failed", why["verdict"]!.GetValue<string>());
        Assert.Equal("doomed", why["failedStep"]!.GetValue<string>());
        Assert.Contains("never retry", why["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Why_app_unreachable_at_call_time()
    {
        await using var server = await TestServer.StartAsync(o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(100));
        var app = await TestApp.StartAsync(server, "gone", sdk => sdk.AddFunction<Receiver>());
        await app.KillAsync();
        var id = (await server.SendAsync(new { name = "e2e/emitted", data = new { from = "x" } }))[0];
        await server.WaitForRunAsync((await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>());
        var why = (await server.GetAsync($"/v1/events/{id}/why"))["functions"]!.AsArray().Single()!;
        Assert.Equal("app_unreachable", why["verdict"]!.GetValue<string>());
        Assert.Contains("unreachable", why["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var status = await server.GetAsync("/v1/status");
        Assert.Equal("degraded", status["overall"]!.GetValue<string>());
        var line = status["components"]!.AsArray().Single(c => c!["component"]!.GetValue<string>() == "app gone")!;
        Assert.Equal("down", line["status"]!.GetValue<string>());
        Assert.Contains("yard sync", line["fix"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Why_cron_function_lists_its_last_fires()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonObject why;
        do
        {
            await Task.Delay(300);
            var id = (await _server.SendAsync(new { name = "unrelated/event" }))[0];
            why = await WhyAsync(id, "ins-every-second");
        } while (!why["cron"]!.AsArray().Any(f => f!["runId"] is not null) && DateTime.UtcNow < deadline);
        Assert.Contains(why["cron"]!.AsArray(), f => f!["eventId"]?.GetValue<string>().StartsWith("cron:", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Trace_shows_the_run_of_a_sent_event_in_the_same_tree()
    {
        var id = (await _server.SendAsync(new { name = "e2e/emit" }))[0];
        var run = await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>());
        var sentId = run["run"]!["output"]!["ids"]![0]!.GetValue<string>();
        await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(sentId))[0]!["id"]!.GetValue<string>());
        var tree = await _server.GetAsync($"/v1/events/{id}/trace");
        var emitterRun = tree["children"]!.AsArray().Single(c => c!["functionId"]!.GetValue<string>() == "ins-emitter")!["run"]!;
        Assert.Equal("Completed", emitterRun["status"]!.GetValue<string>());
        Assert.Contains(emitterRun["steps"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "announce");
        var sent = emitterRun["sentEvents"]!.AsArray().Single()!;
        Assert.Equal("e2e/emitted", sent["name"]!.GetValue<string>());
        var receiverRun = sent["children"]!.AsArray().Single(c => c!["functionId"]!.GetValue<string>() == "ins-receiver")!["run"]!;
        Assert.Equal("Completed", receiverRun["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Topology_includes_triggers_and_observed_sends_and_renders_valid_mermaid()
    {
        var id = (await _server.SendAsync(new { name = "e2e/emit" }))[0];
        await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>());
        var topology = await _server.GetAsync("/v1/topology");
        var edges = topology["edges"]!.AsArray();
        Assert.Contains(edges, e => e!["kind"]!.GetValue<string>() == "triggers" && e["from"]!.GetValue<string>() == "e2e/emit" && e["to"]!.GetValue<string>() == "ins-emitter");
        Assert.Contains(edges, e => e!["kind"]!.GetValue<string>() == "sends" && e["from"]!.GetValue<string>() == "ins-emitter" && e["to"]!.GetValue<string>() == "e2e/emitted");
        Assert.Contains(edges, e => e!["kind"]!.GetValue<string>() == "schedules" && e["to"]!.GetValue<string>() == "ins-every-second");
        MermaidSyntax.AssertValid(TopologyRenderer.Mermaid(topology));
        var markdown = TopologyRenderer.Markdown(topology);
        Assert.Contains("```mermaid", markdown, StringComparison.Ordinal);
        Assert.Contains("| ins |", markdown, StringComparison.Ordinal);
    }
}

/// <summary>Checks the Mermaid flowchart subset the renderer emits: a header, balanced subgraphs, well-formed node
/// declarations with quoted labels, and edges whose endpoints are all declared.</summary>
internal static partial class MermaidSyntax
{
    [GeneratedRegex("""^(?<id>[a-z][0-9]+)(\["[^"\[\]]*"\]|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})?$""")]
    private static partial Regex NodeRef();

    public static void AssertValid(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal("flowchart LR", lines[0]);
        var declared = new HashSet<string>();
        var used = new List<string>();
        var depth = 0;
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("subgraph ", StringComparison.Ordinal))
            {
                Assert.Matches("""^subgraph [a-z][0-9]+\["[^"]*"\]$""", line);
                depth++;
                continue;
            }
            if (line == "end") { depth--; Assert.True(depth >= 0, "unbalanced end"); continue; }
            var parts = Regex.Split(line, @" -- sends --> | -\. invokes \.-> | --> ");
            Assert.True(parts.Length is 1 or 2, $"bad line: {line}");
            foreach (var part in parts)
            {
                var m = NodeRef().Match(part);
                Assert.True(m.Success, $"bad node '{part}' in: {line}");
                if (part.Length > m.Groups["id"].Length) declared.Add(m.Groups["id"].Value);
                else used.Add(m.Groups["id"].Value);
            }
        }
        Assert.Equal(0, depth);
        Assert.All(used, id => Assert.Contains(id, declared));
    }
}

public sealed class StatusComponentTests
{
    [Fact]
    public async Task Status_probes_the_configured_gateway_and_supervisor()
    {
        await using var probe = await TestServer.StartAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.GatewayUrl = probe.Url.ToString();
            o.SupervisorUrl = $"http://127.0.0.1:{Loopback.FreePort()}";
        });
        var status = await server.GetAsync("/v1/status");
        var components = status["components"]!.AsArray();
        Assert.Equal("ok", components.Single(c => c!["component"]!.GetValue<string>() == "gateway")!["status"]!.GetValue<string>());
        var supervisor = components.Single(c => c!["component"]!.GetValue<string>() == "supervisor")!;
        Assert.Equal("down", supervisor["status"]!.GetValue<string>());
        Assert.Contains("yard supervise", supervisor["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("degraded", status["overall"]!.GetValue<string>());
    }
}
