using System.Text.Json.Nodes;
using Switchyard.Sdk;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

public sealed class FailsTwice(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("fails-twice").OnEvent("e2e/flaky").Retries(4);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("unstable", () =>
        {
            if (probe.Hit(ctx.RunId) < 3) throw new InvalidOperationException("not yet");
            return "ok";
        });
}

public sealed class GivesUp(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("gives-up").OnEvent("e2e/nonretriable").Retries(4);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("doomed", Doomed(ctx.RunId));

    private Func<string> Doomed(string runId) => () =>
    {
        probe.Hit(runId);
        throw new NonRetriableException("bad input, never retry");
    };
}

public sealed class Napper(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("napper").OnEvent("e2e/sleep");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var before = await ctx.Step.RunAsync("before", () => { probe.Hit(ctx.RunId + ":before"); return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); });
        await ctx.Step.SleepAsync("nap", TimeSpan.FromMilliseconds(ctx.Event.Data["ms"]?.GetValue<int>() ?? 2000));
        var after = await ctx.Step.RunAsync("after", () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new { before, after };
    }
}

public sealed class Approval : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("approval").OnEvent("e2e/wait");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var timeout = TimeSpan.FromMilliseconds(ctx.Event.Data["timeoutMs"]?.GetValue<int>() ?? 30_000);
        var approved = await ctx.Step.WaitForEventAsync("approved", new WaitForEventOptions("e2e/approved", timeout) { Match = "data.id" });
        return new { got = approved?.Data["note"]?.GetValue<string>() };
    }
}

public sealed class Parent : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("parent").OnEvent("e2e/invoke");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var target = ctx.Event.Data["target"]!.GetValue<string>();
        try
        {
            var result = await ctx.Step.InvokeAsync<JsonObject>("call-child", target, new { n = 21 });
            return new { result = result?["doubled"]?.GetValue<int>() };
        }
        catch (StepFailedException ex)
        {
            return new { error = ex.Message };
        }
    }
}

public sealed class ChildOk : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("child-ok").OnEvent("e2e/child-ok");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var n = ctx.Event.Data["n"]!.GetValue<int>();
        return await ctx.Step.RunAsync("double", () => new { doubled = n * 2 });
    }
}

public sealed class ChildFail : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("child-fail").OnEvent("e2e/child-fail").Retries(0);

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => throw new NonRetriableException("child exploded");
}

public sealed class FanOut(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("fan-out").OnEvent("e2e/fanout");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ctx.Step.RunAsync($"part-{i}", () => { probe.Hit($"{ctx.RunId}:{i}"); return i; })));
        return parts.Sum();
    }
}

public sealed class Emitter : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("emitter").OnEvent("e2e/emit");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var ids = await ctx.Step.SendEventAsync("announce", new Event("e2e/emitted", new { from = ctx.RunId }));
        return new { ids };
    }
}

public sealed class Receiver : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("receiver").OnEvent("e2e/emitted");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("receive", () => ctx.Event.Data["from"]!.GetValue<string>());
}

public sealed class Filtered : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("filtered").OnEvent("e2e/filter/*", expression: "event.data.go == true");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("went");
}

/// <summary>Sends the awaited event itself while the call that reaches the wait is in flight, so the event is
/// committed before the server stores the wait: only the lookback can see it.</summary>
public sealed class EarlyBird(SwitchyardClient client) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("early-bird").OnEvent("e2e/early");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await client.SendAsync(new Event("e2e/early-approved", new { id = ctx.RunId }) { Id = ctx.RunId + "-early" });
        var approved = await ctx.Step.WaitForEventAsync("approved",
            new WaitForEventOptions("e2e/early-approved", TimeSpan.FromSeconds(20)) { If = $"async.data.id == '{ctx.RunId}'" });
        return new { got = approved?.Data["id"]?.GetValue<string>() };
    }
}

public sealed class ThreeSteps(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("three-steps").OnEvent("crash/run");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var n = ctx.Event.Data["n"]!.GetValue<int>();
        var a = await ctx.Step.RunAsync("a", () => { probe.Hit($"{n}:a"); return n; });
        var b = await ctx.Step.RunAsync("b", () => { probe.Hit($"{n}:b"); return n * 2; });
        var c = await ctx.Step.RunAsync("c", () => { probe.Hit($"{n}:c"); return n * 3; });
        return a + b + c;
    }
}

/// <summary>Its step blocks on the first attempt until the test kills the app; later attempts succeed.</summary>
public sealed class Hangs(Probe probe, HangGate gate) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("hangs").OnEvent("crash/app");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("slow", async () =>
        {
            if (probe.Hit("slow") == 1)
            {
                gate.Entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            return "done";
        });
}

public sealed class HangGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Three steps one after another, the middle one failing on its first attempt: with checkpointing the
/// first call runs <c>a</c> and reports <c>b</c>'s error, the retry runs <c>b</c> and <c>c</c> and returns.</summary>
public sealed class Checkpointed(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("checkpointed").OnEvent("e2e/checkpoint").Retries(2);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var a = await ctx.Step.RunAsync("a", () => { probe.Hit(ctx.RunId + ":a"); return 1; });
        var b = await ctx.Step.RunAsync("b", () =>
        {
            if (probe.Hit(ctx.RunId + ":b") == 1) throw new InvalidOperationException("b fails once");
            return 2;
        });
        var c = await ctx.Step.RunAsync("c", () => { probe.Hit(ctx.RunId + ":c"); return 3; });
        return new { sum = a + b + c };
    }
}

/// <summary>Three parallel steps, two of them failing on their first attempt.</summary>
public sealed class ParallelFlaky(Probe probe) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("parallel-flaky").OnEvent("e2e/parallel-flaky").Retries(2);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        int Step(string name, int value)
        {
            if (probe.Hit($"{ctx.RunId}:{name}") == 1 && name != "good") throw new InvalidOperationException($"{name} fails once");
            return value;
        }
        var parts = await Task.WhenAll(ctx.Step.RunAsync("good", () => Step("good", 1)), ctx.Step.RunAsync("x", () => Step("x", 2)), ctx.Step.RunAsync("y", () => Step("y", 3)));
        return parts.Sum();
    }
}
