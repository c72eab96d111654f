using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary>Event data of <c>app/user.created</c>.</summary>
public sealed record UserCreated(string UserId, string? Email);

/// <summary><c>app/user.created</c>: every kind of step in a row — run, sleep, send an event, wait for an event.</summary>
public sealed class Signup : SwitchyardFunction<UserCreated>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("signup").Name("Signup").OnEvent("app/user.created");

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<UserCreated> context)
    {
        var user = context.Event.Data;
        var profile = await context.Step.RunAsync("create-profile", () => new { user.UserId, createdAt = DateTimeOffset.UtcNow });
        await context.Step.SleepAsync("settle", TimeSpan.FromSeconds(2));
        await context.Step.SendEventAsync("send-welcome", new Event("app/welcome.sent", new { user.UserId, user.Email }));
        var verified = await context.Step.WaitForEventAsync("wait-for-verification",
            new WaitForEventOptions("app/user.verified", TimeSpan.FromMinutes(1)) { Match = "data.userId" });
        context.Logger.LogInformation("User {UserId} verified: {Verified}", user.UserId, verified is not null);
        return new { profile, verified = verified is not null };
    }
}
