using Switchyard.Sdk;

namespace SwitchyardApp.Functions;

/// <summary>The event that starts a <see cref="Greet"/> run.</summary>
public sealed record SignedUp(string Name);

/// <summary>What a <see cref="Greet"/> run returns.</summary>
public sealed record Greeting(string Message);

/// <summary>A typed durable function: runs on every <c>app/user.signed-up</c> event.</summary>
public sealed class Greet : SwitchyardFunction<SignedUp, Greeting>, IFunctionDefinition
{
    /// <summary>The function's metadata, read without constructing it.</summary>
    public static void Define(FunctionBuilder f) => f.Id("greet").OnEvent("app/user.signed-up").Retries(3);

    /// <summary>Runs from the start on every call; the step's stored result is returned on replays.</summary>
    public override async Task<Greeting> RunAsync(FunctionContext<SignedUp> ctx)
    {
        var message = await ctx.Step.RunAsync("compose", () => $"Hello, {ctx.Event.Data.Name}!");
        return new Greeting(message);
    }
}
