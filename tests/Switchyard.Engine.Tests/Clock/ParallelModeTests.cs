using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Protocol.Calls;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>Parallel steps on a fake clock: by default the run continues once every pending step has settled; a
/// function with <c>parallelMode: race</c> (the DAG orchestrator) continues as each one settles, and a step it reports
/// again while it is still pending is not planned twice.</summary>
public sealed class ParallelModeTests
{
    private static JsonObject Sleep(string id, string duration) =>
        new() { ["op"] = OpCode.Sleep, ["id"] = id, ["name"] = id, ["displayName"] = id, ["opts"] = new JsonObject { ["duration"] = duration } };

    /// <summary>An SDK that reports every step it has no value for, the way a DAG scheduler does.</summary>
    private static AppAnswer Script(AppCall call)
    {
        var pending = new JsonArray();
        if (!call.Steps.ContainsKey("short")) pending.Add(Sleep("short", "1m"));
        if (!call.Steps.ContainsKey("long")) pending.Add(Sleep("long", "1h"));
        return pending.Count == 0 ? AppAnswer.Done(JsonValue.Create("both")) : new AppAnswer(206, pending);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("race", 2)]
    public async Task A_run_continues_when_all_parallel_steps_settle_or_in_race_mode_as_each_does(string? mode, int callsAfterTheShortSleep)
    {
        var function = EngineHost.Function("par", "t/par");
        if (mode is not null) function["parallelMode"] = mode;
        await using var host = await EngineHost.StartAsync(function, Script);
        await host.SendAsync("t/par");
        var run = (await host.RunsAsync("par"))[0];
        await host.UntilHistoryAsync(run.Id, HistoryKind.SleepStarted, 2);

        host.Advance(TimeSpan.FromMinutes(1));
        await host.UntilHistoryAsync(run.Id, HistoryKind.SleepEnded);
        await host.UntilCallsAsync(callsAfterTheShortSleep);
        await host.SettleAsync();
        Assert.Equal(callsAfterTheShortSleep, host.Calls.Count);

        host.Advance(TimeSpan.FromHours(1));
        await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        // The long sleep was reported again by the race-mode call, but planned once.
        var history = await host.HistoryAsync(run.Id);
        Assert.Equal(2, history.Count(h => h.Kind == HistoryKind.SleepStarted));
        Assert.Equal(2, history.Count(h => h.Kind == HistoryKind.SleepEnded));
    }
}
