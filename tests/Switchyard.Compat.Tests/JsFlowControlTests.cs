using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>The flow-control options of the unmodified inngest JS SDK that <see cref="CompatTests"/> does not cover
/// (throttle, priority, singleton, timeouts, concurrency scope, several concurrency limits), declared in
/// <c>app/flowcontrol.js</c> and checked by what happens: when the app's code ran (its own timestamps), which runs
/// the server queued behind a full concurrency slot, and what it recorded as each event's decision and each run's
/// outcome. Runs that must hold a slot wait on a gate in the app that the test opens once it has seen the others
/// queue, so no assertion depends on how fast the machine is.</summary>
public sealed class JsFlowControlTests(DevModeFixture fixture) : IClassFixture<DevModeFixture>
{
    private const string Prefix = "compat-js-";

    private CompatFixture F { get; } = fixture;

    private static string Unique(string prefix) => CompatTests.Unique(prefix);

    private static string Status(JsonObject run) => (string)run["run"]!["status"]!;

    private static JsonNode Output(JsonObject run) => run["run"]!["output"]!;

    private static long Start(JsonObject run) => (long)Output(run)["start"]!;

    private static long End(JsonObject run) => (long)Output(run)["end"]!;

    private static void AssertStatus(string expected, JsonObject run) =>
        Assert.True(Status(run) == expected, $"expected a {expected} run, got {run.ToJsonString()}");

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Throttle_delays_starts_beyond_the_limit_and_burst_per_key_and_drops_none()
    {
        var (k, other) = (Unique("th"), Unique("th"));
        var sentAt = NowMs();
        // One request, so that the server admits all of them at (nearly) one instant.
        var ids = await F.Server.SendAsync(new[]
        {
            new { name = "compat/fc-throttle", data = new { k, n = 0 } },
            new { name = "compat/fc-throttle", data = new { k, n = 1 } },
            new { name = "compat/fc-throttle", data = new { k, n = 2 } },
            new { name = "compat/fc-throttle", data = new { k = other, n = 0 } },
        });
        var runs = new List<JsonObject>();
        foreach (var id in ids) runs.Add(await F.WaitForRunAsync(await F.RunOfEventAsync(id, Prefix + "fc-throttled")));
        Assert.All(runs, r => AssertStatus("Completed", r));
        var reasons = new List<string>();
        foreach (var id in ids) reasons.Add((string)(await F.Server.GetAsync($"/v1/events/{id}"))["decisions"]!.AsArray().Single()!["reason"]!);
        // burst 1: two start at once (burst + 1, as Inngest's GCRA admits); the third waits one period (limit 1 per 2 s);
        // another key is not held up.
        Assert.DoesNotContain("throttled", reasons[0], StringComparison.Ordinal);
        Assert.DoesNotContain("throttled", reasons[1], StringComparison.Ordinal);
        Assert.Contains("throttled", reasons[2], StringComparison.Ordinal);
        Assert.Contains(k, reasons[2], StringComparison.Ordinal);
        Assert.DoesNotContain("throttled", reasons[3], StringComparison.Ordinal);
        // The app's own clock: the third run's code ran no earlier than a period after the events were sent.
        Assert.True(Start(runs[2]) >= sentAt + 2000 - 20, $"throttled run started {Start(runs[2]) - sentAt} ms after the events were sent (expected at least 2000)");
    }

    [Fact]
    public async Task Priority_lets_a_later_higher_priority_event_run_before_a_queued_lower_one()
    {
        var (k, gate) = (Unique("pr"), Unique("gate"));
        const string fn = Prefix + "fc-priority";
        var blocker = await F.StartRunAsync("compat/fc-priority", new { k, p = 0, label = "blocker", gate }, fn);
        await BeganAsync(k, "blocker");
        var low = await F.StartRunAsync("compat/fc-priority", new { k, p = 0, label = "low" }, fn);
        await WaitingOnAsync(low);
        var high = await F.StartRunAsync("compat/fc-priority", new { k, p = 300, label = "high" }, fn);
        await WaitingOnAsync(high);
        await OpenAsync(gate);
        var (b, l, h) = (await F.WaitForRunAsync(blocker), await F.WaitForRunAsync(low), await F.WaitForRunAsync(high));
        foreach (var r in new[] { b, l, h }) AssertStatus("Completed", r);
        Assert.True(Start(h) >= End(b), "the high-priority run overlapped the blocker (concurrency 1)");
        Assert.True(Start(h) < Start(l), $"the later, higher-priority run started at {Start(h)}, after the lower one at {Start(l)}");
    }

    [Fact]
    public async Task Singleton_skip_drops_an_event_while_a_run_of_its_key_is_active_and_allows_one_after()
    {
        var (k, gate) = (Unique("sk"), Unique("gate"));
        const string fn = Prefix + "fc-singleton-skip";
        var first = await F.StartRunAsync("compat/fc-singleton-skip", new { k, label = "first", gate }, fn);
        var second = await F.Server.SendEventAsync("compat/fc-singleton-skip", new { k, label = "second" });
        var decision = await DecisionAsync(second);
        Assert.Equal("singleton_skipped", (string?)decision["outcome"]);
        Assert.Contains(first, (string?)decision["reason"], StringComparison.Ordinal);
        Assert.Empty((await F.Server.GetAsync($"/v1/events/{second}"))["runs"]!.AsArray());

        await OpenAsync(gate);
        AssertStatus("Completed", await F.WaitForRunAsync(first));
        // The key is free again once its run has ended.
        AssertStatus("Completed", await F.RunAsync("compat/fc-singleton-skip", new { k, label = "third" }, fn));
        Assert.DoesNotContain(await F.Server.EventsAsync("compat/fc-began"), e => (string?)e["data"]?["k"] == k && (string?)e["data"]?["label"] == "second");
    }

    [Fact]
    public async Task Singleton_cancel_cancels_the_active_run_of_the_key_and_runs_the_new_event()
    {
        var k = Unique("sc");
        const string fn = Prefix + "fc-singleton-cancel";
        var first = await F.StartRunAsync("compat/fc-singleton-cancel", new { k, hold = "30s", n = 1 }, fn);
        await F.WaitForHistoryAsync(first, "sleep.started");
        var secondEvent = await F.Server.SendEventAsync("compat/fc-singleton-cancel", new { k, hold = "1s", n = 2 });
        var second = await F.RunOfEventAsync(secondEvent, fn);

        var cancelled = await F.WaitForRunAsync(first);
        AssertStatus("Cancelled", cancelled);
        Assert.Contains("singleton", (string?)cancelled["run"]!["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains(first, (string?)(await DecisionAsync(secondEvent))["reason"], StringComparison.Ordinal);
        var run = await F.WaitForRunAsync(second);
        AssertStatus("Completed", run);
        Assert.Equal(2, (int)Output(run)["n"]!);
    }

    [Fact]
    public async Task Start_timeout_cancels_a_run_still_queued_after_it_as_timed_out()
    {
        var (k, gate) = (Unique("ts"), Unique("gate"));
        const string fn = Prefix + "fc-timeout-start";
        var holder = await F.StartRunAsync("compat/fc-timeout-start", new { k, label = "holder", gate }, fn);
        await BeganAsync(k, "holder");
        var lateEvent = await F.Server.SendEventAsync("compat/fc-timeout-start", new { k, label = "late" });
        var late = await F.WaitForRunAsync(await F.RunOfEventAsync(lateEvent, fn));
        AssertStatus("Cancelled", late);
        Assert.Equal("RunTimedOut", (string?)late["run"]!["error"]!["name"]);
        Assert.Equal("start", (string?)late["run"]!["error"]!["timeout"]);
        Assert.Empty(CompatTests.History(late, "call"));
        var why = await WhyAsync(lateEvent, fn);
        Assert.Equal("timed_out", (string?)why["verdict"]);
        Assert.Equal("start", (string?)why["timeout"]);

        // The holder started in time, so its own start timeout does not end it however long its first call takes.
        await OpenAsync(gate);
        AssertStatus("Completed", await F.WaitForRunAsync(holder));
        Assert.DoesNotContain(await F.Server.EventsAsync("compat/fc-began"), e => (string?)e["data"]?["k"] == k && (string?)e["data"]?["label"] == "late");
    }

    [Fact]
    public async Task Finish_timeout_cancels_a_started_run_as_timed_out()
    {
        const string fn = Prefix + "fc-timeout-finish";
        var eventId = await F.Server.SendEventAsync("compat/fc-timeout-finish", new { });
        var run = await F.WaitForRunAsync(await F.RunOfEventAsync(eventId, fn));
        AssertStatus("Cancelled", run);
        Assert.Equal("RunTimedOut", (string?)run["run"]!["error"]!["name"]);
        Assert.Equal("finish", (string?)run["run"]!["error"]!["timeout"]);
        // It had started: its first step ran and it was sleeping when the timeout ended it.
        Assert.Single(CompatTests.History(run, "step.completed"));
        Assert.Single(CompatTests.History(run, "sleep.started"));
        Assert.Empty(CompatTests.History(run, "sleep.ended"));
        var why = await WhyAsync(eventId, fn);
        Assert.Equal("timed_out", (string?)why["verdict"]);
        Assert.Equal("finish", (string?)why["timeout"]);
    }

    [Fact]
    public async Task Finish_timeout_counts_from_the_first_call_and_ends_a_run_whose_one_call_runs_too_long()
    {
        var (k, gate) = (Unique("tc"), Unique("gate"));
        const string fn = Prefix + "fc-timeout-finish-call";
        var eventId = await F.Server.SendEventAsync("compat/fc-timeout-finish-call", new { k, gate });
        var runId = await F.RunOfEventAsync(eventId, fn);
        await BeganAsync(k, "long-call");
        // The gate stays shut: the run's only call is still executing when its finish timeout is due.
        var run = await F.WaitForRunAsync(runId);
        AssertStatus("Cancelled", run);
        Assert.Equal("finish", (string?)run["run"]!["error"]!["timeout"]);
        Assert.Single(CompatTests.History(run, "run.started"));
        Assert.Equal("timed_out", (string?)(await WhyAsync(eventId, fn))["verdict"]);
        await OpenAsync(gate);
    }

    [Fact]
    public async Task Two_concurrency_limits_on_one_function_both_hold()
    {
        var (a, b, c, gate) = (Unique("ma"), Unique("mb"), Unique("mc"), Unique("gate"));
        const string fn = Prefix + "fc-multi";
        var a1 = await F.StartRunAsync("compat/fc-multi", new { k = a, label = "a1", gate }, fn);
        await BeganAsync(a, "a1");
        // Another run of key a waits for the per-key limit (1), though the function limit (2) has room.
        var a2 = await F.StartRunAsync("compat/fc-multi", new { k = a, label = "a2", gate }, fn);
        var keyWait = await WaitingOnAsync(a2);
        Assert.Equal(1, (int)keyWait["limit"]!);
        Assert.Contains(a, (string?)keyWait["key"], StringComparison.Ordinal);
        // Key b takes the second function-wide slot; key c has a free key slot but waits for the function limit.
        var bRun = await F.StartRunAsync("compat/fc-multi", new { k = b, label = "b", gate }, fn);
        await BeganAsync(b, "b");
        var cRun = await F.StartRunAsync("compat/fc-multi", new { k = c, label = "c", gate }, fn);
        var fnWait = await WaitingOnAsync(cRun);
        Assert.Equal(2, (int)fnWait["limit"]!);

        await OpenAsync(gate);
        var runs = new List<JsonObject>();
        foreach (var id in new[] { a1, a2, bRun, cRun }) runs.Add(await F.WaitForRunAsync(id));
        Assert.All(runs, r => AssertStatus("Completed", r));
        Assert.True(Start(runs[1]) >= End(runs[0]), "the two runs of one key overlapped");
        foreach (var r in runs)
        {
            // No instant had more than two runs' code executing.
            var atItsStart = runs.Count(o => Start(o) <= Start(r) && End(o) > Start(r));
            Assert.True(atItsStart <= 2, $"{atItsStart} runs were executing at once (limit 2)");
        }
    }

    [Fact]
    public async Task Fn_scoped_concurrency_keys_do_not_hold_back_another_function()
    {
        var k = Unique("sf");
        var eventId = await F.Server.SendEventAsync("compat/fc-scope-fn", new { k });
        var runs = await F.Server.WaitForRunsOfEventAsync(eventId, 2);
        foreach (var summary in runs)
        {
            var run = await F.WaitForRunAsync((string)summary!["id"]!);
            AssertStatus("Completed", run);
            // Each twin saw the other executing at the same time: one function's key does not limit the other.
            Assert.True((bool)Output(run)["met"]!, $"the twins of one key did not run side by side: {run.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("env")]
    [InlineData("account")]
    public async Task Env_and_account_scoped_concurrency_keys_are_shared_by_different_functions(string scope)
    {
        var (k, gate) = (Unique("se"), Unique("gate"));
        var eventId = await F.Server.SendEventAsync($"compat/fc-scope-{scope}", new { k, gate });
        var runIds = (await F.Server.WaitForRunsOfEventAsync(eventId, 2)).Select(r => (string)r!["id"]!).ToList();
        // Whichever twin got the slot first runs; the other function's run waits for the same key.
        var began = await Eventually.GetAsync(async () =>
            (await F.Server.EventsAsync("compat/fc-began")).FirstOrDefault(e => (string?)e["data"]?["k"] == k), $"a twin of {k} to begin");
        var waiter = await Eventually.GetAsync(async () =>
        {
            foreach (var id in runIds)
                if (CompatTests.History(await F.Server.GetAsync($"/v1/runs/{id}"), "concurrency.waiting").FirstOrDefault() is { } w) return w;
            return null;
        }, $"a run of {k} to wait for the {scope}-scoped slot");
        Assert.Contains(k, (string?)waiter["detail"]!["key"], StringComparison.Ordinal);
        Assert.Equal(1, (int)waiter["detail"]!["limit"]!);

        await OpenAsync(gate);
        var runs = new List<JsonObject>();
        foreach (var id in runIds) runs.Add(await F.WaitForRunAsync(id));
        Assert.All(runs, r => AssertStatus("Completed", r));
        Assert.Contains(runs, r => (string?)Output(r)["label"] == (string?)began["data"]!["label"]);
        var (first, second) = Start(runs[0]) <= Start(runs[1]) ? (runs[0], runs[1]) : (runs[1], runs[0]);
        Assert.True(Start(second) >= End(first), "runs of two functions sharing an env/account-scoped key overlapped");
    }

    /// <summary>Waits for the app's "began" signal of a run (its code is executing, so it holds its slots).</summary>
    private Task BeganAsync(string k, string label) =>
        Eventually.TrueAsync(async () => (await F.Server.EventsAsync("compat/fc-began")).Any(e => (string?)e["data"]?["k"] == k && (string?)e["data"]?["label"] == label),
            $"the run {label} of {k} to begin", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

    /// <summary>Waits until the server has parked the run behind a full concurrency slot; returns that slot.</summary>
    private async Task<JsonNode> WaitingOnAsync(string runId)
    {
        JsonObject? run = null;
        var entry = await Eventually.GetAsync(async () =>
        {
            run = await F.Server.GetAsync($"/v1/runs/{runId}");
            return CompatTests.History(run, "concurrency.waiting").FirstOrDefault();
        }, () => $"run {runId} to wait for a concurrency slot: {run?.ToJsonString()}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        return entry["detail"]!;
    }

    private async Task OpenAsync(string gate) => await F.Server.SendEventAsync("compat/fc-open", new { gate });

    private Task<JsonNode> DecisionAsync(string eventId) =>
        Eventually.GetAsync(async () => (await F.Server.GetAsync($"/v1/events/{eventId}"))["decisions"]!.AsArray().SingleOrDefault(),
            $"a decision for event {eventId}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

    private async Task<JsonNode> WhyAsync(string eventId, string functionId) =>
        (await F.Server.GetAsync($"/v1/events/{eventId}/why?function={functionId}"))["functions"]!.AsArray().Single()!;
}
