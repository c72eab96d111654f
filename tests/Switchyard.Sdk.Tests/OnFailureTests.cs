using System.Collections.Concurrent;
using Switchyard.Testing;

namespace Switchyard.Sdk.Tests;

/// <summary><c>OnFailureAsync</c> against a real server: it runs once, after the last attempt failed, with the error
/// and the failed run's original event, as Inngest's <c>onFailure</c>.</summary>
public sealed class OnFailureTests
{
    public sealed record Charge(string Customer, int Cents);

    public sealed record Handled(string Customer, int Cents, string ErrorName, string ErrorMessage, string FunctionId, string FailedRunId, int AttemptsSeen)
    {
        public string HandlerRunId { get; init; } = "";
    }

    /// <summary>Fails on every attempt; its failure handler records what it got, in a step so once per run.</summary>
    public sealed class FailingCharge : SwitchyardFunction<Charge, string>, IFunctionDefinition
    {
        private static int _attempts;
        public static readonly ConcurrentQueue<Handled> Failures = new();

        public static void Define(FunctionBuilder f) => f.Id("charge").OnEvent("billing/charge").Retries(1);

        public override Task<string> RunAsync(FunctionContext<Charge> ctx)
        {
            Interlocked.Increment(ref _attempts);
            throw new InvalidOperationException($"card of {ctx.Event.Data.Customer} declined");
        }

        public override async Task OnFailureAsync(FailureContext<Charge> ctx) =>
            await ctx.Step.RunAsync("record", () => Failures.Enqueue(new Handled(ctx.Event.Data.Customer, ctx.Event.Data.Cents, ctx.Error.Name,
                ctx.Error.Message, ctx.FunctionId, ctx.FailedRunId, Volatile.Read(ref _attempts)) { HandlerRunId = ctx.RunId }));
    }

    [Fact]
    public async Task RunsOnceAfterTheFinalFailureWithTheErrorAndTheOriginalEvent()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "onfail", sdk => sdk.AddFunction<FailingCharge>());

        var functions = (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("onfail-charge-failure", functions);

        var eventId = await server.SendEventAsync("billing/charge", new { customer = "ada", cents = 1200 });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        Assert.Equal("Failed", (await server.WaitForRunAsync(runId))["run"]!["status"]!.GetValue<string>());

        Assert.Contains(await server.EventsAsync("inngest/function.failed"), e => e["data"]?["run_id"]?.GetValue<string>() == runId);
        var first = await Eventually.GetAsync(() => Task.FromResult(FailingCharge.Failures.FirstOrDefault()), "the failure handler to run");
        var handler = await server.WaitForRunAsync(first.HandlerRunId);
        Assert.Equal("Completed", handler["run"]!["status"]!.GetValue<string>());
        Assert.Equal("onfail-charge-failure", handler["run"]!["functionId"]!.GetValue<string>());

        var handled = Assert.Single(FailingCharge.Failures);
        Assert.Equal(new Handled("ada", 1200, "InvalidOperationException", "card of ada declined", "onfail-charge", runId, 2) { HandlerRunId = first.HandlerRunId }, handled);
    }
}
