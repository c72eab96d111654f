using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Dashboard.Tests;

/// <summary>Two steps, the second after a short sleep: enough to show a timeline.</summary>
public sealed class Greeter : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("greeter").OnEvent("dash/hello");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var name = await ctx.Step.RunAsync("look-up-name", () => ctx.Event.Data["name"]?.GetValue<string>() ?? "world");
        await ctx.Step.SleepAsync("pause", TimeSpan.FromMilliseconds(200));
        return await ctx.Step.RunAsync("compose-greeting", () => $"hello, {name}");
    }
}

/// <summary>Runs only for big orders: an event with a small amount shows the reason it did not run.</summary>
public sealed class BigOrders : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("big-orders").OnEvent("dash/order", "event.data.amount > 100");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("big");
}

/// <summary>Waits an hour for an approval: a run that stays open until it is cancelled.</summary>
public sealed class Approver : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("approver").OnEvent("dash/approval");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var approval = await ctx.Step.WaitForEventAsync("approval", new WaitForEventOptions("dash/approved", TimeSpan.FromHours(1)));
        return approval is null ? "timed out" : "approved";
    }
}

/// <summary>Sends <c>dash/hello</c> from a step, so its trace goes on to the greeter's run.</summary>
public sealed class Emitter : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("emitter").OnEvent("dash/emit");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SendEventAsync("greet", new Event("dash/hello", new JsonObject { ["name"] = "traced" }));
        return "sent";
    }
}

/// <summary>A nightly schedule, for the cron page.</summary>
public sealed class Nightly : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("nightly").OnCron("0 3 * * *");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("done");
}
