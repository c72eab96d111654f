using Switchyard.Samples.Hello.Functions;
using Switchyard.Sdk;
using Switchyard.Sdk.Testing;

namespace Switchyard.Samples.Hello.Tests;

/// <summary>The sample's functions, unit-tested with the SDK's test host: no server, virtual time.</summary>
public sealed class SampleFunctionTests
{
    private static SwitchyardTestHost Host() => SwitchyardTestHost.Create(sdk => sdk
        .AddFunction<Signup>().AddFunction<InvokeParent>().AddFunction<InvokeChild>().AddFunction<Flaky>());

    [Fact]
    public async Task SignupWelcomesTheUserAndSeesTheVerification()
    {
        await using var host = Host();
        host.SendEvent(new Event("app/user.verified", new { userId = "u1" }), after: TimeSpan.FromSeconds(30));

        var run = await host.RunAsync<Signup, UserCreated>(new UserCreated("u1", "ada@example.com"));

        Assert.Equal(TestRunStatus.Completed, run.Status);
        Assert.True(run.Result!["verified"]!.GetValue<bool>());
        Assert.Equal("u1", run.Result["profile"]!["userId"]!.GetValue<string>());
        var welcome = Assert.Single(host.SentEvents);
        Assert.Equal("app/welcome.sent", welcome["name"]!.GetValue<string>());
        Assert.Equal("ada@example.com", welcome["data"]!["email"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(30), run.Elapsed);
    }

    [Fact]
    public async Task SignupGivesUpOnVerificationAfterAMinute()
    {
        await using var host = Host();
        host.SendEvent(new Event("app/user.verified", new { userId = "someone-else" }), after: TimeSpan.FromSeconds(10));

        var run = await host.RunAsync<Signup, UserCreated>(new UserCreated("u2", null));

        Assert.False(run.Result!["verified"]!.GetValue<bool>());
        // The two-second settle, then the minute the wait lasts.
        Assert.Equal(TimeSpan.FromSeconds(62), run.Elapsed);
    }

    [Fact]
    public async Task TheParentGetsTheChildsTypedResult()
    {
        await using var host = Host();

        var run = await host.RunAsync<InvokeParent, InvokeRequested, ParentResult>(new InvokeRequested(21));

        Assert.Equal(new ParentResult(42), run.EnsureCompleted());
    }

    [Fact]
    public async Task TheParentUsesWhatAStubbedChildReturns()
    {
        await using var host = Host();
        host.StubInvoke(InvokeChild.Ref, input => new ChildResult(input.Value + 1000));

        var run = await host.RunAsync<InvokeParent, InvokeRequested, ParentResult>(new InvokeRequested(5));

        Assert.Equal(new ParentResult(1005), run.EnsureCompleted());
    }

    [Fact]
    public async Task FlakySucceedsOnItsThirdAttemptAfterTheBackoff()
    {
        await using var host = Host();

        var run = await host.RunAsync<Flaky, System.Text.Json.Nodes.JsonObject>([]);

        Assert.Equal("succeeded on attempt 2", run.Result!["result"]!.GetValue<string>());
        Assert.Equal(3, run.StepAttempts["call-unreliable-api"]);
        Assert.Equal(TimeSpan.FromSeconds(3), run.Elapsed);
    }
}
