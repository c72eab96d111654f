using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary>Event data of <c>demo/invoke</c>.</summary>
public sealed record InvokeRequested(int? Value);

/// <summary>What the parent returns.</summary>
public sealed record ParentResult(int FromChild);

/// <summary><c>demo/invoke</c>: calls <see cref="InvokeChild"/> by its type and waits for its typed result.</summary>
public sealed class InvokeParent : SwitchyardFunction<InvokeRequested, ParentResult>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("invoke-parent").Name("Invoke parent").OnEvent("demo/invoke");

    /// <inheritdoc />
    public override async Task<ParentResult> RunAsync(FunctionContext<InvokeRequested> context)
    {
        var child = await context.Step.InvokeAsync("call-child", InvokeChild.Ref, new ChildInput(context.Event.Data.Value ?? 21), timeout: TimeSpan.FromMinutes(5));
        return new ParentResult(child.Doubled);
    }
}
