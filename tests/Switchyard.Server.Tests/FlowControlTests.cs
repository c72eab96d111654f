using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Server.Tests;

/// <summary>One end-to-end test per flow-control option, asserting the behaviour and the decision record.</summary>
public class FlowControlTests : IAsyncLifetime
{
    private readonly Intervals _perUser = new();
    private readonly Intervals _serialized = new();
    private readonly ConcurrentQueue<string> _order = new();
    private TestServer _server = null!;
    private TestApp _app = null!;

    /// <summary>The server under test; subclasses run the same suite on another store.</summary>
    protected virtual Task<TestServer> CreateServerAsync() => TestServer.StartAsync();

    public async Task InitializeAsync()
    {
        _server = await CreateServerAsync();
        _app = await TestApp.StartAsync(_server, "flow", sdk => sdk
            .AddFunction<PerUserWork>().AddFunction<Serialized>().AddFunction<Throttled>().AddFunction<RateLimited>()
            .AddFunction<Debounced>().AddFunction<Batched>().AddFunction<Prioritized>().AddFunction<Idempotent>()
            .AddFunction<SingletonSkip>().AddFunction<SingletonCancel>().AddFunction<Cancellable>().AddFunction<FinishTimeout>()
            .AddFunction<StartTimeout>().AddFunction<EverySecond>().AddFunction<Pausable>(),
            services => services.AddSingleton(_order)
                .AddSingleton(_perUser)
                .AddSingleton(new IntervalsByFunction(_perUser, _serialized)));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<JsonObject> DecisionAsync(string eventId)
    {
        var e = await _server.GetAsync($"/v1/events/{eventId}");
        return e["decisions"]!.AsArray().Single()!.AsObject();
    }

    private async Task<JsonArray> RunsAsync(string functionId, int atLeast, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var runs = (await _server.GetAsync($"/v1/runs?function={functionId}&count=10000"))["runs"]!.AsArray();
            if (runs.Count >= atLeast && runs.All(r => r!["status"]!.GetValue<string>() is "Completed" or "Failed" or "Cancelled")) return runs;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{functionId}: {runs.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Concurrency_keyed_by_user_caps_each_user_while_others_proceed()
    {
        var events = Enumerable.Range(0, 12).Select(i => new { name = "flow/per-user", data = new { user = i % 2 == 0 ? "ann" : "bob" } }).ToArray();
        await _server.SendAsync(events);
        var runs = await RunsAsync("flow-per-user", 12);
        Assert.All(runs, r => Assert.Equal("Completed", r!["status"]!.GetValue<string>()));
        Assert.True(_perUser.MaxOverlap("ann") <= 2, $"ann overlap {_perUser.MaxOverlap("ann")}");
        Assert.True(_perUser.MaxOverlap("bob") <= 2, $"bob overlap {_perUser.MaxOverlap("bob")}");
        Assert.True(_perUser.MaxOverlap() >= 3, "users should proceed independently");
        var waited = false;
        foreach (var r in runs)
        {
            var detail = await _server.GetAsync($"/v1/runs/{r!["id"]}");
            var entry = detail["history"]!.AsArray().FirstOrDefault(h => h!["kind"]!.GetValue<string>() == "concurrency.waiting");
            if (entry is null) continue;
            waited = true;
            Assert.StartsWith("fn:flow-per-user:", entry["detail"]!["key"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(2, entry["detail"]!["limit"]!.GetValue<int>());
        }
        Assert.True(waited, "some run must have waited for a slot, and say which key");
    }

    [Fact]
    public async Task Stress_2000_events_across_50_keys_with_limit_1_never_overlap_within_a_key()
    {
        var events = Enumerable.Range(0, 2000).Select(i => new { name = "flow/serialized", data = new { key = $"k{i % 50}" } }).ToList();
        foreach (var chunk in events.Chunk(500)) await _server.SendAsync(chunk);
        var runs = await RunsAsync("flow-serialized", 2000, TimeSpan.FromSeconds(120));
        Assert.Equal(2000, runs.Count(r => r!["status"]!.GetValue<string>() == "Completed"));
        Assert.Equal(50, _serialized.Keys.Count);
        // Exactly one run of a key inside its critical section at any moment (each run spends a few ms there).
        foreach (var key in _serialized.Keys) Assert.True(_serialized.MaxOverlap(key) == 1, $"key {key}: {_serialized.MaxOverlap(key)} runs at once");
        Assert.True(_serialized.MaxOverlap() > 1, "runs of different keys must proceed side by side");
    }

    [Fact]
    public async Task Throttle_delays_excess_starts_and_says_until_when()
    {
        var ids = await _server.SendAsync(Enumerable.Range(0, 3).Select(_ => new { name = "flow/throttled" }).ToArray());
        var runs = await RunsAsync("flow-throttled", 3);
        var starts = runs.Select(r => r!["output"]!.GetValue<long>()).Order().ToList();
        Assert.True(starts[2] - starts[0] >= 1500, $"3 starts at 1/s must span ~2 s (unthrottled they would span a few ms), spanned {starts[2] - starts[0]} ms");
        var reasons = new List<string>();
        foreach (var id in ids) reasons.Add((await DecisionAsync(id))["reason"]!.GetValue<string>());
        Assert.Contains(reasons, r => r.Contains("throttled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rate_limit_drops_the_excess_and_records_the_key()
    {
        var first = (await _server.SendAsync(new { name = "flow/rate", data = new { user = "u1" } }))[0];
        var second = (await _server.SendAsync(new { name = "flow/rate", data = new { user = "u1" } }))[0];
        var other = (await _server.SendAsync(new { name = "flow/rate", data = new { user = "u2" } }))[0];
        Assert.Equal("matched", (await DecisionAsync(first))["outcome"]!.GetValue<string>());
        var dropped = await DecisionAsync(second);
        Assert.Equal("rate_limited", dropped["outcome"]!.GetValue<string>());
        Assert.Contains("'u1'", dropped["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("matched", (await DecisionAsync(other))["outcome"]!.GetValue<string>());
        Assert.Equal(2, (await RunsAsync("flow-rate-limited", 2)).Count);
    }

    [Fact]
    public async Task Debounce_runs_once_with_the_last_event()
    {
        var ids = new List<string>();
        for (var v = 1; v <= 3; v++)
        {
            ids.AddRange(await _server.SendAsync(new { name = "flow/debounce", data = new { doc = "d1", v } }));
            await Task.Delay(100);
        }
        var runs = await RunsAsync("flow-debounced", 1);
        await Task.Delay(800);
        runs = await RunsAsync("flow-debounced", 1);
        var run = Assert.Single(runs);
        Assert.Equal(3, run!["output"]!.GetValue<int>());
        foreach (var id in ids)
        {
            var d = await DecisionAsync(id);
            Assert.Equal("debounced", d["outcome"]!.GetValue<string>());
            Assert.Equal(run["id"]!.GetValue<string>(), d["runId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Batching_gives_one_run_many_events()
    {
        var full = await _server.SendAsync(Enumerable.Range(1, 3).Select(n => new { name = "flow/batch", data = new { n } }).ToArray());
        var runs = await RunsAsync("flow-batched", 1);
        Assert.Equal([1, 2, 3], runs[0]!["output"]!.AsArray().Select(x => x!.GetValue<int>()).Order());
        Assert.All(await Task.WhenAll(full.Select(DecisionAsync)), d => Assert.Equal("batched", d["outcome"]!.GetValue<string>()));
        await _server.SendAsync(new { name = "flow/batch", data = new { n = 9 } });
        runs = await RunsAsync("flow-batched", 2);
        Assert.Contains(runs, r => r!["output"]!.AsArray().Select(x => x!.GetValue<int>()).SequenceEqual([9]));
    }

    [Fact]
    public async Task Priority_lets_a_vip_run_overtake_queued_runs()
    {
        await _server.SendAsync(new { name = "flow/priority", data = new { name = "blocker" } });
        while (!_order.Contains("blocker")) await Task.Delay(10);
        await _server.SendAsync(new { name = "flow/priority", data = new { name = "normal" } });
        await _server.SendAsync(new { name = "flow/priority", data = new { name = "vip", vip = true } });
        await RunsAsync("flow-prioritized", 3);
        Assert.Equal(["blocker", "vip", "normal"], _order.ToArray());
    }

    [Fact]
    public async Task Idempotency_key_skips_a_second_run_and_names_the_holder()
    {
        var a = (await _server.SendAsync(new { name = "flow/order", data = new { orderId = "o-1" } }))[0];
        var b = (await _server.SendAsync(new { name = "flow/order", data = new { orderId = "o-1" } }))[0];
        var first = await DecisionAsync(a);
        var second = await DecisionAsync(b);
        Assert.Equal("skipped_idempotency", second["outcome"]!.GetValue<string>());
        Assert.Equal(first["runId"]!.GetValue<string>(), second["runId"]!.GetValue<string>());
        Assert.Contains("'o-1'", second["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Singleton_skip_and_cancel()
    {
        var a = (await _server.SendAsync(new { name = "flow/singleton-skip", data = new { k = "x" } }))[0];
        var b = (await _server.SendAsync(new { name = "flow/singleton-skip", data = new { k = "x" } }))[0];
        var skipped = await DecisionAsync(b);
        Assert.Equal("singleton_skipped", skipped["outcome"]!.GetValue<string>());
        Assert.Equal((await DecisionAsync(a))["runId"]!.GetValue<string>(), skipped["runId"]!.GetValue<string>());

        var c = (await _server.SendAsync(new { name = "flow/singleton-cancel", data = new { k = "y", n = 1 } }))[0];
        await Task.Delay(200);
        var d = (await _server.SendAsync(new { name = "flow/singleton-cancel", data = new { k = "y", n = 2 } }))[0];
        var firstRun = (await DecisionAsync(c))["runId"]!.GetValue<string>();
        Assert.Equal("Cancelled", (await _server.WaitForRunAsync(firstRun))["run"]!["status"]!.GetValue<string>());
        var second = await _server.WaitForRunAsync((await DecisionAsync(d))["runId"]!.GetValue<string>());
        Assert.Equal(2, second["run"]!["output"]!.GetValue<int>());
    }

    [Fact]
    public async Task CancelOn_event_cancels_the_matching_run_and_records_it()
    {
        var a = (await _server.SendAsync(new { name = "flow/long", data = new { id = "job-1" } }))[0];
        var b = (await _server.SendAsync(new { name = "flow/long", data = new { id = "job-2" } }))[0];
        var runA = (await _server.WaitForRunsOfEventAsync(a))[0]!["id"]!.GetValue<string>();
        var runB = (await _server.WaitForRunsOfEventAsync(b))[0]!["id"]!.GetValue<string>();
        var stop = (await _server.SendAsync(new { name = "flow/stop", data = new { id = "job-1" } }))[0];
        var cancelled = await _server.WaitForRunAsync(runA);
        Assert.Equal("Cancelled", cancelled["run"]!["status"]!.GetValue<string>());
        Assert.Contains("flow/stop", cancelled["run"]!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var decision = await DecisionAsync(stop);
        Assert.Equal("cancelled", decision["outcome"]!.GetValue<string>());
        Assert.Equal(runA, decision["runId"]!.GetValue<string>());
        // The other job's run is untouched (still queued or running, depending on how busy the machine is).
        Assert.Contains((await _server.GetAsync($"/v1/runs/{runB}"))["run"]!["status"]!.GetValue<string>(), new[] { "Queued", "Running" });
        await _server.Http.PostAsync($"/v1/runs/{runB}/cancel", null);
    }

    [Fact]
    public async Task Finish_and_start_timeouts_cancel_runs()
    {
        var slow = (await _server.SendAsync(new { name = "flow/slow" }))[0];
        var run = await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(slow))[0]!["id"]!.GetValue<string>());
        Assert.Equal("Cancelled", run["run"]!["status"]!.GetValue<string>());
        Assert.Contains("timeouts.finish", run["run"]!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var late = await _server.SendAsync(new object[] { new { name = "flow/late" }, new { name = "flow/late" } });
        var first = await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(late[0]))[0]!["id"]!.GetValue<string>());
        var second = await _server.WaitForRunAsync((await _server.WaitForRunsOfEventAsync(late[1]))[0]!["id"]!.GetValue<string>());
        Assert.Equal("Completed", first["run"]!["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", second["run"]!["status"]!.GetValue<string>());
        Assert.Contains("timeouts.start", second["run"]!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cron_fires_once_per_tick_and_can_be_triggered()
    {
        var runs = await RunsAsync("flow-every-second", 3, TimeSpan.FromSeconds(20));
        var cronEvents = (await _server.GetAsync("/v1/events?prefix=inngest/scheduled.timer&count=1000"))["events"]!.AsArray()
            .Where(e => e!["id"]!.GetValue<string>().StartsWith("cron:flow-every-second:", StringComparison.Ordinal)).ToList();
        Assert.True(cronEvents.Count >= 2);
        Assert.Equal(cronEvents.Count, cronEvents.Select(e => e!["data"]!["scheduledAt"]!.GetValue<string>()).Distinct().Count());
        Assert.Contains(runs, r => r!["eventId"]!.GetValue<string>().StartsWith("cron:", StringComparison.Ordinal));

        var list = (await _server.GetAsync("/v1/cron"))["schedules"]!.AsArray();
        var entry = list.Single(s => s!["functionId"]!.GetValue<string>() == "flow-every-second")!;
        Assert.Equal("UTC", entry["timezone"]!.GetValue<string>());
        Assert.NotNull(entry["lastFire"]);
        Assert.NotNull(entry["nextFire"]);

        using var trigger = await _server.Http.PostAsync("/v1/cron/flow-every-second/trigger", null);
        var triggered = (await trigger.Content.ReadFromJsonAsync<JsonObject>())!;
        var manual = await _server.WaitForRunAsync(triggered["runId"]!.GetValue<string>());
        Assert.Equal("inngest/scheduled.timer", manual["run"]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task Paused_events_are_recorded_and_can_be_replayed()
    {
        await _server.Http.PostAsync("/v1/functions/flow-pausable/pause", null);
        var id = (await _server.SendAsync(new { name = "flow/pausable", data = new { n = 7 } }))[0];
        var decision = await DecisionAsync(id);
        Assert.Equal("paused", decision["outcome"]!.GetValue<string>());
        await _server.Http.PostAsync("/v1/functions/flow-pausable/resume", null);
        using var replay = await _server.Http.PostAsJsonAsync("/v1/functions/flow-pausable/replay", new { from = "5m" });
        var replayed = (await replay.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, replayed["count"]!.GetValue<int>());
        var run = await _server.WaitForRunAsync(replayed["runs"]![0]!.GetValue<string>());
        Assert.Equal(7, run["run"]!["output"]!.GetValue<int>());
    }
}

/// <summary>Gives each function under test its own interval recorder.</summary>
public sealed class IntervalsByFunction(Intervals perUser, Intervals serialized)
{
    public Intervals For(string name) => name == nameof(PerUserWork) ? perUser : serialized;
}
