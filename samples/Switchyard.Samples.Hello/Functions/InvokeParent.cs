using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary><c>demo/invoke</c>: calls <see cref="InvokeChild"/> and waits for its result.</summary>
public sealed class InvokeParent : SwitchyardFunction<JsonObject>
{
    /// <inheritdoc />
    public override void Configure(FunctionBuilder function) => function.Id("invoke-parent").Name("Invoke parent").OnEvent("demo/invoke");

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var child = await context.Step.InvokeAsync<ChildResult>("call-child", "invoke-child", new { value = 21 }, timeout: TimeSpan.FromMinutes(5));
        return new { fromChild = child.Doubled };
    }
}
