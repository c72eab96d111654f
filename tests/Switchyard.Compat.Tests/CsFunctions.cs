using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Compat.Tests;

/// <summary>Doubles <c>n</c>; invoked from the JS app as <c>compat-cs-double</c>.</summary>
public sealed class DoubleNumber : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("double").OnEvent("compat/cs.double");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var doubled = await ctx.Step.RunAsync("double", () => ctx.Event.Data["n"]!.GetValue<int>() * 2);
        return new { doubled, by = "csharp" };
    }
}

/// <summary>Invokes the JS app's <c>child</c> function by its full id.</summary>
public sealed class CallsJs : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("calls-js").OnEvent("compat/cs-calls-js");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var result = await ctx.Step.InvokeAsync<JsonObject>("call-js", FunctionRef.ById("compat-js-child"), new { n = ctx.Event.Data["n"]!.GetValue<int>() });
        return new { fromJs = result };
    }
}
