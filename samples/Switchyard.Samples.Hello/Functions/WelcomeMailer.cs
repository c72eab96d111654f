using Switchyard.Sdk;

namespace Switchyard.Samples.Hello.Functions;

/// <summary>Event data of <c>app/welcome.sent</c>.</summary>
public sealed record WelcomeSent(string UserId, string? Email);

/// <summary><c>app/welcome.sent</c> (sent by <see cref="Signup"/>): one step that "mails" the user.</summary>
public sealed class WelcomeMailer : SwitchyardFunction<WelcomeSent>, IFunctionDefinition
{
    /// <inheritdoc />
    public static void Define(FunctionBuilder function) => function.Id("welcome-mailer").Name("Welcome mailer").OnEvent("app/welcome.sent");

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<WelcomeSent> context)
    {
        var sentTo = await context.Step.RunAsync("send-mail", () =>
        {
            context.Logger.LogInformation("Mailing a welcome to {Email}", context.Event.Data.Email ?? context.Event.Data.UserId);
            return context.Event.Data.Email ?? context.Event.Data.UserId;
        });
        return new { sentTo };
    }
}
