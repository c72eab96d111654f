// The SDK README's example function and its unit test, verbatim (src/Switchyard.Sdk/README.md): if the README's code
// stops compiling or passing, this file does too.
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk.Testing;

namespace Switchyard.Sdk.Tests.Readme;

#pragma warning disable CA1852, CS1591
public sealed record UserCreated(string Id, string Name, string Plan);
public sealed record ReportRequest(string User);
public sealed record Report(string User, bool Sent);
public sealed record SignupResult(string Greeting, bool Approved, int Pages);

// A typed function: typed event data in, typed result out. Its metadata is static (IFunctionDefinition), so reading
// it at start-up constructs nothing; the function is built from DI, in a scope, for each call.
public sealed class SignupFlow(IGreeter greeter) : SwitchyardFunction<UserCreated, SignupResult>, IFunctionDefinition
{
    public static void Define(FunctionBuilder f) => f
        .Id("signup-flow").Name("Signup flow")
        .OnEvent("app/user.created", expression: "event.data.plan == 'pro'")
        .Retries(2);

    public override async Task<SignupResult> RunAsync(FunctionContext<UserCreated> ctx)
    {
        // A step runs once; later calls get its stored result (after a JSON round trip).
        var greeting = await ctx.Step.RunAsync("greet", () => greeter.Greet(ctx.Event.Data.Name));
        // A body taking a CancellationToken: canceled when the run is canceled or the call ends early (timeout, disconnect, app stop).
        var saved = await ctx.Step.RunAsync("save", async ct => { await Task.Delay(10, ct); return 42; });

        await ctx.Step.SleepAsync("nap", TimeSpan.FromSeconds(2));
        // From the event, not the clock: code outside steps must decide the same way on every replay.
        await ctx.Step.SleepUntilAsync("tomorrow", new DateTimeOffset(ctx.Event.Timestamp.UtcDateTime.Date.AddDays(1), TimeSpan.Zero));

        // The awaited event, or null after the timeout. Match = "data.id" means event.data.id == async.data.id.
        var approval = await ctx.Step.WaitForEventAsync("approval",
            new WaitForEventOptions("app/approved", TimeSpan.FromHours(1)) { Match = "data.id" });

        await ctx.Step.SendEventAsync("notify", new Event("app/welcome", new { id = ctx.Event.Data.Id }));

        // Typed invoke of a C# function of this app: by a FunctionRef (checked against the function's types)…
        var report = await ctx.Step.InvokeAsync("report", SendReport.Ref, new ReportRequest(ctx.Event.Data.Id), timeout: TimeSpan.FromMinutes(5));
        // …or by the function type.
        var again = await ctx.Step.InvokeAsync<SendReport, ReportRequest, Report>("report-again", new ReportRequest(ctx.Event.Data.Id));
        // Untyped, for a function of another app in any language, by the full id it is registered under.
        var audit = await ctx.Step.InvokeAsync<JsonObject>("audit", FunctionRef.ById("audit-js-record"), new { user = ctx.Event.Data.Id });

        // Steps started together run in parallel (in this call while it checkpoints, else one server call each).
        var sizes = await Task.WhenAll(ctx.Step.RunAsync("p1", () => 1), ctx.Step.RunAsync("p2", () => 2));

        ctx.Logger.LogInformation("Signed up {User}", ctx.Event.Data.Id);   // logged once, not on every replay
        return new SignupResult(greeting, approval is not null, sizes.Sum() + saved);
    }

    // Runs once after a run failed for good (retries exhausted or NonRetriableException), as Inngest's onFailure:
    // registered as the function "signup-flow-failure", triggered by inngest/function.failed.
    public override async Task OnFailureAsync(FailureContext<UserCreated> ctx) =>
        await ctx.Step.SendEventAsync("alert", new Event("app/signup.failed", new { user = ctx.Event.Data.Id, error = ctx.Error.Message }));
}

public sealed class SendReport : SwitchyardFunction<ReportRequest, Report>, IFunctionDefinition
{
    public static FunctionRef<ReportRequest, Report> Ref { get; } = FunctionRef<ReportRequest, Report>.To<SendReport>();

    public static void Define(FunctionBuilder f) => f.Id("send-report").OnEvent("app/report.requested");

    public override async Task<Report> RunAsync(FunctionContext<ReportRequest> ctx)
    {
        await ctx.Step.RunAsync("send", () => Console.WriteLine($"report for {ctx.Event.Data.User}"));
        return new Report(ctx.Event.Data.User, true);
    }
}

public interface IGreeter { string Greet(string name); }
public sealed class Greeter : IGreeter { public string Greet(string name) => $"Hello, {name}!"; }

public sealed class SignupFlowTests
{
    [Fact]
    public async Task ApprovedProUsersGetAReport()
    {
        await using var host = SwitchyardTestHost.Create(
            sdk => sdk.AddFunction<SignupFlow>().AddFunction<SendReport>(),
            services => services.AddSingleton<IGreeter, Greeter>());
        // The clock starts at 2025-01-01T00:00Z: the run sleeps until midnight, then waits for "approval", which takes
        // this event (same data.id) 10 minutes later, in virtual time.
        host.SendEvent(new Event("app/approved", new { id = "u1" }), after: TimeSpan.FromDays(1) + TimeSpan.FromMinutes(10));
        // Invokes of SendReport get this answer instead of running it (unstubbed, a function of the host runs for real);
        // the JS function is stubbed through a typed reference by its full id.
        host.StubInvoke(SendReport.Ref, request => new Report(request.User, Sent: true));
        host.StubInvoke(FunctionRef<object, JsonObject>.ById("audit-js-record"), _ => new JsonObject { ["ok"] = true });

        var run = await host.RunAsync<SignupFlow, UserCreated, SignupResult>(new UserCreated("u1", "Ada", "pro"));

        Assert.Equal(TestRunStatus.Completed, run.Status);
        Assert.True(run.Result!.Approved);                                   // typed, after a JSON round trip
        Assert.Contains(host.SentEvents, e => e["name"]!.GetValue<string>() == "app/welcome");
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(10), run.Elapsed);   // virtual: the test takes milliseconds
    }
}
