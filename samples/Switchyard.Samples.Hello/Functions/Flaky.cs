using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary><c>demo/flaky</c>: a step that fails its first two attempts, then succeeds.</summary>
public sealed class Flaky : SwitchyardFunction<JsonObject>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("flaky").Name("Flaky").OnEvent("demo/flaky").Retries(3);

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var result = await context.Step.RunAsync("call-unreliable-api", () =>
        {
            if (context.Attempt < 2) throw new HttpRequestException($"Upstream unavailable (attempt {context.Attempt})");
            return $"succeeded on attempt {context.Attempt}";
        });
        return new { result };
    }
}
