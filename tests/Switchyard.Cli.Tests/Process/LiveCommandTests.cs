using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Engine.Feed;

namespace Switchyard.Cli.Tests.Process;

/// <summary><c>yard send --follow</c> and <c>yard runs --watch</c> as the processes a user runs, on the server's live
/// feed: JSON lines per run change when stdout is not a terminal (then the envelope for <c>send</c>), a human line
/// each on a terminal, and the exit code saying whether every run completed.</summary>
[Collection(CliCollection.Name)]
public sealed class LiveCommandTests(CliFixture fx)
{
    [Fact]
    public async Task Send_follow_prints_the_runs_as_json_lines_then_the_envelope_and_exits_0_when_they_complete()
    {
        var run = await Yard.RunAsync("send", "cliproc/double", "-d", """{"x":21}""", "--follow", "--timeout", "50s", "--json", "--server", fx.Url);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stdout} {run.Stderr}");
        var (lines, envelope) = Split(run.Stdout);
        var eventId = envelope["result"]!["ids"]![0]!.GetValue<string>();
        Assert.True(envelope["ok"]!.GetValue<bool>());
        Assert.Equal("send", envelope["command"]!.GetValue<string>());
        var final = envelope["result"]!["runs"]!.AsArray().Single()!;
        Assert.Equal("Completed", final["status"]!.GetValue<string>());
        Assert.Equal(42, final["output"]!["doubled"]!.GetValue<int>());
        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.Equal("run", l["kind"]!.GetValue<string>());
            Assert.Equal(eventId, l["run"]!["eventId"]!.GetValue<string>());
        });
        Assert.Equal("Completed", lines[^1]["run"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_follow_exits_1_naming_the_failed_run()
    {
        var run = await Yard.RunAsync("send", "cliproc/failing", "--follow", "--timeout", "50s", "--json", "--server", fx.Url);
        Assert.Equal(1, run.ExitCode);
        var (lines, envelope) = Split(run.Stdout);
        Assert.False(envelope["ok"]!.GetValue<bool>());
        Assert.Equal("run_failed", envelope["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Failed", lines[^1]["run"]!["status"]!.GetValue<string>());
        var runId = lines[^1]["run"]!["id"]!.GetValue<string>();
        Assert.Equal($"yard run {runId}", envelope["next_actions"]![0]!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_follow_of_an_event_no_function_takes_ends_at_once_pointing_at_yard_why()
    {
        var envelope = await fx.OkAsync("send", "cliproc/nobody-listens", "--follow");
        var id = envelope["result"]!["ids"]![0]!.GetValue<string>();
        Assert.Empty(envelope["result"]!["runs"]!.AsArray());
        Assert.Equal($"yard why {id}", envelope["next_actions"]![0]!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_follow_gives_up_at_the_timeout_with_exit_1()
    {
        var run = await Yard.RunAsync("send", "cliproc/slow", "--follow", "--timeout", "2s", "--json", "--server", fx.Url);
        Assert.Equal(1, run.ExitCode);
        var (lines, envelope) = Split(run.Stdout);
        Assert.Equal("follow_timeout", envelope["error"]!["code"]!.GetValue<string>());
        // The sleeping run is left running: cancel it so it does not linger in other tests' listings.
        foreach (var id in lines.Select(l => l["run"]!["id"]!.GetValue<string>()).Distinct()) await fx.OkAsync("cancel", id);
    }

    [Fact]
    public async Task Send_follow_on_a_terminal_prints_a_line_per_change_and_the_completion()
    {
        var screen = await Terminal.RunAsync(140, "send", "cliproc/double", "-d", """{"x":2}""", "--follow", "--server", fx.Url);
        Assert.Contains("following its runs", screen, StringComparison.Ordinal);
        Assert.Contains("Completed", screen, StringComparison.Ordinal);
        Assert.Contains("1 run(s) completed", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_watch_prints_new_runs_as_json_lines_until_stopped()
    {
        var fn = await fx.FunctionIdAsync("double");
        var feed = fx.Server.Services.GetRequiredService<LiveFeed>();
        // The earlier tests' follow streams close on the server a moment after their processes exit: let them go
        // first, or one closing while the watch subscribes leaves the count where it was.
        for (var i = 0; i < 100 && feed.SubscriberCount > 0; i++) await Task.Delay(100);
        var before = feed.SubscriberCount;
        await using var watch = YardProcess.Start(null, "runs", "--watch", "--function", fn, "--server", fx.Url);
        await Eventually.TrueAsync(() => Task.FromResult(feed.SubscriberCount > before || watch.Process.HasExited), "yard runs --watch to subscribe to the feed");
        Assert.False(watch.Process.HasExited, watch.Output);

        var eventId = await fx.Server.SendEventAsync("cliproc/double", new { x = 5 });
        await Eventually.TrueAsync(() => Task.FromResult(Lines(watch.Output).Any(l => l["run"]?["eventId"]?.GetValue<string>() == eventId
            && l["run"]!["status"]!.GetValue<string>() == "Completed")), () => $"a Completed line for the run of {eventId} in: {watch.Output}");
        // Stopped as by a signal, it ends at once with the shell's code for that signal (143 for SIGTERM, 130 for Ctrl-C).
        Assert.Equal(143, await watch.TerminateAsync(TimeSpan.FromSeconds(20)));
        var mine = Lines(watch.Output).Where(l => l["run"]?["eventId"]?.GetValue<string>() == eventId).ToList();
        Assert.Contains(mine, l => l["transition"]?.GetValue<string>() == "run.completed");
        Assert.All(Lines(watch.Output), l => Assert.Equal(fn, l["run"]!["functionId"]!.GetValue<string>()));
    }

    /// <summary>The JSON lines printed before the envelope, and the envelope (the indented object at the end).</summary>
    private static (List<JsonObject> Lines, JsonObject Envelope) Split(string stdout)
    {
        var start = stdout.IndexOf("\n{\n", StringComparison.Ordinal);
        var envelopeText = start < 0 ? stdout : stdout[(start + 1)..];
        var lines = start < 0 ? [] : Lines(stdout[..start]);
        return (lines, JsonNode.Parse(envelopeText)!.AsObject());
    }

    private static List<JsonObject> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{') && l.EndsWith('}'))
            .Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
}
