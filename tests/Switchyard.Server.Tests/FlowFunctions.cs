using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests;

/// <summary>Records when each run was inside its critical section, to check overlap. Stopwatch ticks, not
/// milliseconds: a critical section of a few milliseconds must not start and end on the same tick.</summary>
public sealed class Intervals
{
    private readonly ConcurrentDictionary<string, (string Key, long Start, long End)> _runs = new();

    public void Start(string runId, string key) => _runs.TryAdd(runId, (key, System.Diagnostics.Stopwatch.GetTimestamp(), long.MaxValue));
    public void End(string runId) => _runs.AddOrUpdate(runId, _ => ("", 0, 0), (_, v) => v with { End = System.Diagnostics.Stopwatch.GetTimestamp() });
    public int Count => _runs.Count;

    /// <summary>Most runs of one key active at the same moment.</summary>
    public int MaxOverlap(string? key = null)
    {
        var items = _runs.Values.Where(r => key is null || r.Key == key).ToList();
        var points = items.SelectMany(r => new[] { (r.Start, 1), (r.End, -1) }).OrderBy(p => p.Item1).ThenBy(p => p.Item2);
        int current = 0, max = 0;
        foreach (var (_, delta) in points) max = Math.Max(max, current += delta);
        return max;
    }

    public IReadOnlyList<string> Keys => _runs.Values.Select(v => v.Key).Distinct().ToList();
}

public sealed class PerUserWork(Intervals intervals) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("per-user").OnEvent("flow/per-user").Concurrency(2, "event.data.user");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var user = ctx.Event.Data["user"]!.GetValue<string>();
        await ctx.Step.RunAsync("begin", () => intervals.Start(ctx.RunId, user));
        await ctx.Step.RunAsync("work", async () => { await Task.Delay(150); });
        await ctx.Step.RunAsync("end", () => intervals.End(ctx.RunId));
        return user;
    }
}

public sealed class Serialized(IntervalsByFunction recorders) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("serialized").OnEvent("flow/serialized").Concurrency(1, "event.data.key");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var key = ctx.Event.Data["key"]!.GetValue<string>();
        var intervals = recorders.For(nameof(Serialized));
        // A measurable critical section: two runs of one key inside it at once would show as an overlap.
        await ctx.Step.RunAsync("begin", () => intervals.Start(ctx.RunId, key));
        await ctx.Step.RunAsync("work", async () => { await Task.Delay(3); });
        await ctx.Step.RunAsync("end", () => intervals.End(ctx.RunId));
        return key;
    }
}

public sealed class Throttled : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("throttled").OnEvent("flow/throttled").Throttle(1, TimeSpan.FromSeconds(1));

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("at", () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}

public sealed class RateLimited : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("rate-limited").OnEvent("flow/rate").RateLimit(1, TimeSpan.FromMinutes(1), "event.data.user");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("ran");
}

public sealed class Debounced : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("debounced").OnEvent("flow/debounce").Debounce(TimeSpan.FromMilliseconds(600), "event.data.doc");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>(ctx.Event.Data["v"]!.GetValue<int>());
}

public sealed class Batched : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("batched").OnEvent("flow/batch").Batch(3, TimeSpan.FromSeconds(1));

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        Task.FromResult<object?>(ctx.Events.Select(e => e.Data["n"]!.GetValue<int>()).ToArray());
}

public sealed class Prioritized(ConcurrentQueue<string> order) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("prioritized").OnEvent("flow/priority")
        .Concurrency(1).Priority("event.data.vip == true ? 300 : 0");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var name = ctx.Event.Data["name"]!.GetValue<string>();
        await ctx.Step.RunAsync("work", async () => { order.Enqueue(name); await Task.Delay(name == "blocker" ? 700 : 10); });
        return name;
    }
}

public sealed class Idempotent : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("idempotent").OnEvent("flow/order").Idempotency("event.data.orderId");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("charged");
}

public sealed class SingletonSkip : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("singleton-skip").OnEvent("flow/singleton-skip").Singleton("event.data.k", "skip");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("hold", TimeSpan.FromMilliseconds(800));
        return "done";
    }
}

public sealed class SingletonCancel : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("singleton-cancel").OnEvent("flow/singleton-cancel").Singleton("event.data.k", "cancel");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("hold", TimeSpan.FromMilliseconds(800));
        return ctx.Event.Data["n"]!.GetValue<int>();
    }
}

public sealed class Cancellable : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("cancellable").OnEvent("flow/long")
        .CancelOn("flow/stop", "event.data.id == async.data.id");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("forever", TimeSpan.FromHours(1));
        return "woke";
    }
}

public sealed class FinishTimeout : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("finish-timeout").OnEvent("flow/slow").Timeouts(finish: TimeSpan.FromMilliseconds(500));

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("too-long", TimeSpan.FromSeconds(30));
        return "finished";
    }
}

public sealed class StartTimeout : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("start-timeout").OnEvent("flow/late")
        .Throttle(1, TimeSpan.FromSeconds(10)).Timeouts(start: TimeSpan.FromMilliseconds(400));

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("started");
}

public sealed class EverySecond : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("every-second").OnCron("* * * * * *").OnEvent("flow/tick-now");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>(ctx.Event.Name);
}

public sealed class Pausable : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("pausable").OnEvent("flow/pausable");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>(ctx.Event.Data["n"]?.GetValue<int>());
}
