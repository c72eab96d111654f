using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Protocol.Calls;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>Retries, sleeps, waits, timeouts and debounce on a fake clock: each timer fires when, and only when, the
/// clock passes its due time. Nothing here waits for a timer in real time.</summary>
public sealed class TimerTests
{
    [Fact]
    public async Task A_failed_call_is_retried_after_its_backoff_and_not_before()
    {
        // Base delay 10 s: the first retry is due 10–12 s later (20 % jitter), the second 20–24 s after that.
        await using var host = await EngineHost.StartAsync(EngineHost.Function("flaky", "t/flaky"),
            call => call.Index < 2 ? AppAnswer.Error($"boom {call.Index}") : AppAnswer.Done(JsonValue.Create("ok")));
        await host.SendAsync("t/flaky");
        var run = (await host.RunsAsync("flaky"))[0];
        await host.UntilHistoryAsync(run.Id, HistoryKind.RetryScheduled);

        host.Advance(TimeSpan.FromSeconds(9.9));
        await host.SettleAsync();
        Assert.Single(host.Calls);

        host.Advance(TimeSpan.FromSeconds(2.2));
        await host.UntilHistoryAsync(run.Id, HistoryKind.RetryScheduled, 2);
        Assert.Equal(2, host.Calls.Count);

        host.Advance(TimeSpan.FromSeconds(19.9));
        await host.SettleAsync();
        Assert.Equal(2, host.Calls.Count);

        host.Advance(TimeSpan.FromSeconds(4.2));
        await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        var calls = host.Calls.ToArray();
        Assert.Equal(3, calls.Length);
        Assert.InRange((calls[1].At - calls[0].At).TotalSeconds, 10, 12.1);
        Assert.InRange((calls[2].At - calls[1].At).TotalSeconds, 20, 24.2);
    }

    [Fact]
    public async Task A_sleep_of_an_hour_wakes_the_run_when_the_clock_passes_the_hour()
    {
        await using var host = await EngineHost.StartAsync(EngineHost.Function("sleeper", "t/sleep"),
            call => call.Steps.Count == 0 ? AppAnswer.Op(OpCode.Sleep, "nap", new JsonObject { ["duration"] = "1h" }) : AppAnswer.Done(JsonValue.Create("rested")));
        await host.SendAsync("t/sleep");
        var run = (await host.RunsAsync("sleeper"))[0];
        await host.UntilHistoryAsync(run.Id, HistoryKind.SleepStarted);

        host.Advance(TimeSpan.FromMinutes(59));
        await host.SettleAsync();
        Assert.Single(host.Calls);
        Assert.Equal(RunStatus.Running, (await host.Store.Reader.GetRunAsync(run.Id, CancellationToken.None))!.Status);

        host.Advance(TimeSpan.FromMinutes(1));
        await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        Assert.Equal(TimeSpan.FromHours(1), host.Calls.ToArray()[1].At - host.Calls.ToArray()[0].At);
    }

    [Fact]
    public async Task A_wait_for_an_event_that_never_comes_times_out_with_null_at_its_timeout()
    {
        await using var host = await EngineHost.StartAsync(EngineHost.Function("waiter", "t/wait"),
            call => call.Steps.Count == 0
                ? AppAnswer.Op(OpCode.WaitForEvent, "approval", new JsonObject { ["event"] = "t/approved", ["timeout"] = "30m" })
                : AppAnswer.Done(call.Steps["approval"]?.DeepClone() ?? JsonValue.Create("timed out")));
        await host.SendAsync("t/wait");
        var run = (await host.RunsAsync("waiter"))[0];
        await host.UntilHistoryAsync(run.Id, HistoryKind.WaitStarted);

        host.Advance(TimeSpan.FromMinutes(29));
        await host.SettleAsync();
        Assert.DoesNotContain(await host.HistoryAsync(run.Id), h => h.Kind == HistoryKind.WaitTimedOut);

        host.Advance(TimeSpan.FromMinutes(1));
        await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        var last = host.Calls.ToArray()[^1];
        Assert.True(last.Steps.ContainsKey("approval"));
        Assert.Null(last.Steps["approval"]?["data"]);
    }

    [Fact]
    public async Task A_finish_timeout_cancels_a_run_still_asleep_at_the_deadline()
    {
        var fn = EngineHost.Function("slow", "t/slow", new JsonObject { ["timeouts"] = new JsonObject { ["finish"] = "10m" } });
        await using var host = await EngineHost.StartAsync(fn,
            call => call.Steps.Count == 0 ? AppAnswer.Op(OpCode.Sleep, "long-nap", new JsonObject { ["duration"] = "1h" }) : AppAnswer.Done(JsonValue.Create("late")));
        await host.SendAsync("t/slow");
        var run = (await host.RunsAsync("slow"))[0];
        await host.UntilHistoryAsync(run.Id, HistoryKind.SleepStarted);

        host.Advance(TimeSpan.FromMinutes(9));
        await host.SettleAsync();
        Assert.Equal(RunStatus.Running, (await host.Store.Reader.GetRunAsync(run.Id, CancellationToken.None))!.Status);

        host.Advance(TimeSpan.FromMinutes(1));
        await host.UntilStatusAsync(run.Id, RunStatus.Cancelled);
        var ended = (await host.Store.Reader.GetRunAsync(run.Id, CancellationToken.None))!;
        Assert.Contains("timeouts.finish", ended.Error, StringComparison.Ordinal);
        // It reads as timed out, not merely cancelled: in yard why / yard event, and in telemetry.
        var why = (await host.Get<Switchyard.Engine.Insight.WhyExplainer>().ExplainAsync(run.EventId, null, CancellationToken.None)).Result!;
        var verdict = why["functions"]!.AsArray().Single(f => f!["functionId"]!.GetValue<string>() == "slow")!;
        Assert.Equal(("timed_out", "finish"), (verdict["verdict"]!.GetValue<string>(), verdict["timeout"]!.GetValue<string>()));
        await host.Get<Switchyard.Engine.Telemetry.TelemetrySink>().FlushAsync(CancellationToken.None);
        var records = await host.Store.Reader.TelemetryForAsync([], [run.Id], 100, CancellationToken.None);
        Assert.Contains(records, r => r.Action == "run.timed_out" && r.Error!.Contains("timeouts.finish", StringComparison.Ordinal));
        // The sleep's own timer was dropped with the run: passing the hour calls nothing.
        host.Advance(TimeSpan.FromHours(1));
        await host.SettleAsync();
        Assert.Single(host.Calls);
    }

    [Fact]
    public async Task Debounce_starts_one_run_with_the_last_event_when_the_period_passes_without_another()
    {
        var fn = EngineHost.Function("settled", "t/typing", new JsonObject { ["debounce"] = new JsonObject { ["period"] = "5m" } });
        await using var host = await EngineHost.StartAsync(fn, call => AppAnswer.Done(call.Body["event"]!["data"]!["n"]!.DeepClone()));
        await host.SendAsync("t/typing", new JsonObject { ["n"] = 1 });
        host.Advance(TimeSpan.FromMinutes(4));
        await host.SettleAsync();
        await host.SendAsync("t/typing", new JsonObject { ["n"] = 2 });
        host.Advance(TimeSpan.FromMinutes(4));
        await host.SettleAsync();
        Assert.Empty(host.Calls);

        host.Advance(TimeSpan.FromMinutes(1));
        var runs = await host.RunsAsync("settled");
        await host.UntilStatusAsync(runs[0].Id, RunStatus.Completed);
        Assert.Single(host.Calls);
        Assert.Equal(2, host.Calls.ToArray()[0].Body["event"]!["data"]!["n"]!.GetValue<int>());
        Assert.Equal("2", (await host.Store.Reader.GetRunAsync(runs[0].Id, CancellationToken.None))!.Output);
    }
}
