using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary>Data the parent invokes the child with.</summary>
public sealed record ChildInput(int Value);

/// <summary>What the child returns to its invoker.</summary>
public sealed record ChildResult(int Doubled);

/// <summary>Meant to be invoked by <see cref="InvokeParent"/>; <c>demo/child</c> also starts it directly.</summary>
public sealed class InvokeChild : SwitchyardFunction<ChildInput, ChildResult>, IFunctionDefinition
{
    /// <summary>How other functions invoke this one, typed.</summary>
    public static FunctionRef<ChildInput, ChildResult> Ref { get; } = FunctionRef<ChildInput, ChildResult>.To<InvokeChild>();

    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("invoke-child").Name("Invoke child").OnEvent("demo/child");

    /// <inheritdoc />
    public override async Task<ChildResult> RunAsync(FunctionContext<ChildInput> context)
    {
        var doubled = await context.Step.RunAsync("double", () => context.Event.Data.Value * 2);
        return new ChildResult(doubled);
    }
}
