using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Process;

/// <summary><c>yard trace</c> as a process: each run of the tree carries the telemetry correlated to it, in the JSON
/// envelope and as lines of the terminal tree.</summary>
[Collection(CliCollection.Name)]
public sealed class TraceProcessTests(CliFixture fx)
{
    [Fact]
    public async Task Trace_shows_each_runs_telemetry_in_json_and_on_a_terminal()
    {
        var fn = await fx.FunctionIdAsync("double");
        var eventId = await fx.Server.SendEventAsync("cliproc/double", new { x = 2 });
        var runId = (await fx.Server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await fx.Server.WaitForRunAsync(runId);

        var trace = (await fx.OkAsync("trace", eventId))["result"]!;
        var run = trace["children"]!.AsArray().Single(c => c!["functionId"]!.GetValue<string>() == fn)!["run"]!;
        Assert.Equal(runId, run["id"]!.GetValue<string>());
        var actions = run["telemetry"]!.AsArray().Select(t => t!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("run.completed", actions);
        Assert.All(run["telemetry"]!.AsArray(), t => Assert.Equal(runId, t!["metadata"]!["runId"]!.GetValue<string>()));

        var screen = await Terminal.RunAsync(160, "trace", eventId, "--server", fx.Url);
        var runLine = screen.Split('\n').ToList().FindIndex(l => l.Contains("run " + runId, StringComparison.Ordinal));
        Assert.True(runLine >= 0, screen);
        // The telemetry lines come under the run's line, in its subtree.
        Assert.Contains(screen.Split('\n').Skip(runLine + 1), l => l.Contains("telemetry", StringComparison.Ordinal) && l.Contains("run.completed", StringComparison.Ordinal));
    }
}
