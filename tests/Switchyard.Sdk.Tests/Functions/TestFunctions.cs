using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Tests.Functions;

// Test functions mirror the probe app of the protocol reference, so that the hashes in its transcripts apply.

internal sealed class OneStep : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("one-step").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var r = await ctx.Step.RunAsync("say-hello", () => new { hello = (string?)ctx.Event.Data["name"] });
        return new { done = true, r };
    }
}

internal sealed class Sequential : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("sequential").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var a = await ctx.Step.RunAsync("first", () => 1);
        var b = await ctx.Step.RunAsync("second", () => 2);
        // Deliberately the same id again: the tests check that a repeated id is numbered ("first:1") as Inngest does.
#pragma warning disable SWY001
        var c = await ctx.Step.RunAsync("first", () => 3);
#pragma warning restore SWY001
        return new { a, b, c };
    }
}

internal sealed class ParallelSteps : SwitchyardFunction<JsonObject>
{
    public static int BRuns;

    public override void Configure(FunctionBuilder f) => f.Id("parallel").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var results = await Task.WhenAll(ctx.Step.RunAsync("a", () => "A"), ctx.Step.RunAsync("b", () =>
        {
            Interlocked.Increment(ref BRuns);
            return "B";
        }));
        return string.Concat(results);
    }
}

/// <summary>Awaits real I/O before reaching its steps: the SDK must wait for it, then report both steps.</summary>
internal sealed class IoThenParallel : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("io-then-parallel").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await Task.Delay(50, ctx.CancellationToken);
        async Task<int> Branch(string id)
        {
            await Task.Yield();
            return await ctx.Step.RunAsync(id, () => id.Length);
        }
        var r = await Task.WhenAll(Branch("x"), Branch("yy"));
        return r.Sum();
    }
}

internal sealed class Sleeper : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("sleep").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("nap", TimeSpan.FromSeconds(10));
        return "woke";
    }
}

internal sealed class SleepUntilFunction : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("sleep-until").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepUntilAsync("until", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return "late";
    }
}

internal sealed class Waiter : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("wait").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var got = await ctx.Step.WaitForEventAsync("wait-for-approval", new WaitForEventOptions("probe/approved", TimeSpan.FromHours(1)) { Match = "data.id" });
        return new { got = got?.Data, name = got?.Name };
    }
}

internal sealed class Invoker : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("invoke").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var r = await ctx.Step.InvokeAsync<JsonObject>("call-one", "one-step", new { name = "inv" }, TimeSpan.FromMinutes(5));
        return new { child = r };
    }
}

internal sealed class OtherAppInvoker : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("invoke-other-app").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var r = await ctx.Step.InvokeAsync<JsonObject>("call-js", FunctionRef.ById("js-app-child"), new { name = "inv" });
        return new { child = r };
    }
}

internal sealed class Sender : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("send").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var ids = await ctx.Step.SendEventAsync("send-it", new Event("probe/sent", new { x = 1 }));
        return new { ids };
    }
}

internal sealed class FailingStep : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("failing-step").OnEvent("test/one").Retries(2);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        static string Explode() => throw new InvalidOperationException("step exploded");
        await ctx.Step.RunAsync("boom", Explode);
        return "unreachable";
    }
}

internal sealed class NonRetriableStep : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("non-retriable-step").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        try
        {
            static string GiveUp() => throw new NonRetriableException("never again");
            await ctx.Step.RunAsync("nope", GiveUp);
        }
        catch (StepFailedException e)
        {
            return new { caught = e.Message, e.ErrorName };
        }
        return null;
    }
}

internal sealed class Thrower : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("thrower").OnEvent("test/one");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => (string?)ctx.Event.Data["kind"] switch
    {
        "non-retriable" => throw new NonRetriableException("nope, not retrying"),
        "retry-after" => throw new RetryAfterException("slow down", TimeSpan.FromSeconds(30)),
        "retry-at" => throw new RetryAfterException("later", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        _ => throw new InvalidOperationException("generic failure"),
    };
}

public sealed record UserCreated(string Name, string Plan);

internal sealed class Greeting(IGreeter greeter) : SwitchyardFunction<UserCreated>
{
    public override void Configure(FunctionBuilder f) =>
        f.Id("greeting").Name("Greeting").OnEvent("app/user.created", "event.data.plan == 'pro'").OnCron("0 * * * *").Retries(2);

    public override async Task<object?> RunAsync(FunctionContext<UserCreated> ctx)
    {
        var greeting = await ctx.Step.RunAsync("greet", () => greeter.Greet(ctx.Event.Data.Name));
        return new { greeting, plan = ctx.Event.Data.Plan };
    }
}

internal sealed class CronTick : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("cron").OnCron("TZ=UTC 0 * * * *");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>(new { tick = ctx.Event.Name });
}

internal sealed class Wildcard : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("wildcard").OnEvent("shop/*");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>(ctx.Event.Name);
}

internal sealed class RunThenFail : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("run-then-fail").OnEvent("test/one").Retries(3);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.RunAsync("ok", () => "fine");
        static string Explode() => throw new InvalidOperationException("second step exploded");
        await ctx.Step.RunAsync("boom", Explode);
        return "unreachable";
    }
}

internal sealed class RunThenSleep : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("run-then-sleep").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var n = await ctx.Step.RunAsync("count", () => 41);
        await ctx.Step.SleepAsync("nap", TimeSpan.FromMinutes(1));
        return n + 1;
    }
}

internal sealed class RunThenThrow : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("run-then-throw").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var n = await ctx.Step.RunAsync("count", () => 1);
        throw new InvalidOperationException($"the function failed after step {n}");
    }
}

internal sealed class RunThenParallel : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("run-then-parallel").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var first = await ctx.Step.RunAsync("first", () => 1);
        var rest = await Task.WhenAll(ctx.Step.RunAsync("a", () => 2), ctx.Step.RunAsync("b", () => 3));
        return first + rest.Sum();
    }
}

internal sealed class ParallelFailing : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("parallel-failing").OnEvent("test/one");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        static int Fail(string what) => throw new InvalidOperationException(what);
        var r = await Task.WhenAll(ctx.Step.RunAsync("good", () => 1), ctx.Step.RunAsync("bad1", () => Fail("one")), ctx.Step.RunAsync("bad2", () => Fail("two")));
        return r.Sum();
    }
}
