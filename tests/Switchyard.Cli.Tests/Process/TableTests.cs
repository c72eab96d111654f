using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Process;

/// <summary>The human tables, rendered on a real pseudo-terminal at 80 and 160 columns: every id must stay whole on
/// one line, so it can be copied into the next command.</summary>
[Collection(CliCollection.Name)]
public sealed class TableTests(CliFixture fx)
{
    public static TheoryData<int> Widths => [80, 160];

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Runs_and_events_tables_keep_run_and_event_ids_whole(int columns)
    {
        await RunsAsync();
        var runs = (await fx.OkAsync("runs", "-n", "10"))["result"]!["runs"]!.AsArray();
        var runIds = runs.Select(r => r!["id"]!.GetValue<string>()).ToList();
        var eventIds = runs.Select(r => r!["eventId"]!.GetValue<string>()).ToList();
        Assert.All(runIds, id => Assert.Equal(26, id.Length));
        var screen = await Terminal.RunAsync(columns, "runs", "-n", "10", "--server", fx.Url);
        Terminal.AssertIdsWhole(screen, runIds);
        // Run, function and event ids (a cron run's event id is 54 characters) do not fit whole in 80 columns: the
        // event column is left out there rather than cut, and shown whole where it fits.
        if (columns >= 160) Terminal.AssertIdsWhole(screen, eventIds);
        else Assert.DoesNotContain(" event", screen.Split('\n').First(l => l.Contains("run", StringComparison.Ordinal)), StringComparison.Ordinal);

        var events = (await fx.OkAsync("events", "-n", "10"))["result"]!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(events);
        Terminal.AssertIdsWhole(await Terminal.RunAsync(columns, "events", "-n", "10", "--server", fx.Url), events);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Functions_and_cron_tables_keep_function_and_run_ids_whole(int columns)
    {
        var nightly = await fx.FunctionIdAsync("nightly");
        var fired = (await fx.OkAsync("cron trigger", nightly))["result"]!["runId"]!.GetValue<string>();
        await fx.Server.WaitForRunAsync(fired);

        var functions = (await fx.OkAsync("functions"))["result"]!["functions"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).ToList();
        Terminal.AssertIdsWhole(await Terminal.RunAsync(columns, "functions", "--server", fx.Url), functions);

        var schedule = (await fx.OkAsync("cron list"))["result"]!["schedules"]!.AsArray().Single(s => s!["functionId"]!.GetValue<string>() == nightly)!;
        var lastRun = schedule["lastRun"]!["id"]!.GetValue<string>();
        Terminal.AssertIdsWhole(await Terminal.RunAsync(columns, "cron", "list", "--server", fx.Url), [nightly, lastRun]);
    }

    // Runs of two functions, so the tables hold more than one kind of row.
    private async Task RunsAsync()
    {
        var fn = await fx.FunctionIdAsync("double");
        var eventId = await fx.Server.SendEventAsync("cliproc/double", new { x = 1 });
        await fx.Server.WaitForRunAsync((await fx.Server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>());
        Assert.NotEmpty((await fx.OkAsync("runs", "--function", fn))["result"]!["runs"]!.AsArray());
    }
}
