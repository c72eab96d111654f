using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary>Event data of <c>demo/hello</c>.</summary>
public sealed record HelloRequested(string? Name);

/// <summary>The result of <c>hello</c>.</summary>
public sealed record Greeting(string Text);

/// <summary><c>demo/hello</c>: one step greeting <c>event.data.name</c>.</summary>
public sealed class Hello : SwitchyardFunction<HelloRequested, Greeting>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("hello").Name("Hello").OnEvent("demo/hello");

    /// <inheritdoc />
    public override async Task<Greeting> RunAsync(FunctionContext<HelloRequested> context)
    {
        var greeting = await context.Step.RunAsync("greet", () => $"Hello, {context.Event.Data.Name ?? "world"}!");
        return new Greeting(greeting);
    }
}
