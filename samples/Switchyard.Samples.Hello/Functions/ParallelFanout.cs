using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary><c>demo/fanout</c>: ten steps in parallel, summed.</summary>
public sealed class ParallelFanout : SwitchyardFunction<JsonObject>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("parallel-fanout").Name("Parallel fan-out").OnEvent("demo/fanout");

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var parts = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => context.Step.RunAsync($"square-{i}", () => i * i)));
        return new { sum = parts.Sum() };
    }
}
