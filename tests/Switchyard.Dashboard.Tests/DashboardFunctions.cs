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
