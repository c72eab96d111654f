using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Engine.Execution;
using Switchyard.Sdk.Testing;

namespace Switchyard.Sdk.Tests;

/// <summary>The user-facing test host (<c>Switchyard.Sdk.Testing</c>): functions run through the SDK's real call path,
/// one step per call, with virtual time, fed events, stubbed invokes and the server's retries.</summary>
public sealed class TestHostTests
{
    public sealed record Order(string Id, int Cents);

    public sealed record Receipt(string Id, bool Charged);

    public sealed record Outcome(string Greeting, string? Approver, Receipt Receipt);

    /// <summary>Counts what runs: code outside steps (every call) and each step body (once).</summary>
    public sealed class Counters
    {
        public int Entries { get; set; }
        public int Greet { get; set; }
        public int Charge { get; set; }
        public int Flaky { get; set; }
    }

    public sealed class Checkout(Counters counters) : SwitchyardFunction<Order, Outcome>, IFunctionDefinition
    {
        public static void Define(FunctionBuilder f) => f.Id("checkout").OnEvent("shop/order");

        public override async Task<Outcome> RunAsync(FunctionContext<Order> ctx)
        {
            counters.Entries++;
            var greeting = await ctx.Step.RunAsync("greet", () => { counters.Greet++; return $"order {ctx.Event.Data.Id}"; });
            await ctx.Step.SleepAsync("cool-off", TimeSpan.FromDays(3));
            var approval = await ctx.Step.WaitForEventAsync("approval", new WaitForEventOptions("shop/approved", TimeSpan.FromHours(1)) { Match = "data.id" });
            var receipt = await ctx.Step.InvokeAsync("charge", ChargeCard.Ref, ctx.Event.Data);
            return new Outcome(greeting, approval?.Data["by"]?.GetValue<string>(), receipt);
        }
    }

    public sealed class ChargeCard(Counters counters) : SwitchyardFunction<Order, Receipt>, IFunctionDefinition
    {
        public static FunctionRef<Order, Receipt> Ref { get; } = FunctionRef<Order, Receipt>.To<ChargeCard>();

        public static void Define(FunctionBuilder f) => f.Id("charge-card").OnEvent("shop/charge");

        public override async Task<Receipt> RunAsync(FunctionContext<Order> ctx)
        {
            await ctx.Step.RunAsync("charge", () => counters.Charge++);
            return new Receipt(ctx.Event.Data.Id, true);
        }
    }

    /// <summary>A step that fails <c>failures</c> times, then succeeds; with <c>Retries(2)</c> (3 attempts).</summary>
    public sealed class Flaky(Counters counters, FlakySettings settings) : SwitchyardFunction<Order, int>, IFunctionDefinition
    {
        public static readonly List<FunctionFailure> Handled = [];

        public static void Define(FunctionBuilder f) => f.Id("flaky").OnEvent("shop/flaky").Retries(2);

        public override async Task<int> RunAsync(FunctionContext<Order> ctx) =>
            await ctx.Step.RunAsync("call-bank", () =>
            {
                counters.Flaky++;
                if (settings.NonRetriable) throw new NonRetriableException("card blocked");
                if (counters.Flaky <= settings.Failures) throw new InvalidOperationException($"bank down ({counters.Flaky})");
                return counters.Flaky;
            });

        public override async Task OnFailureAsync(FailureContext<Order> ctx) =>
            await ctx.Step.RunAsync("record", () => Handled.Add(ctx.Error));
    }

    public sealed record FlakySettings(int Failures, bool NonRetriable = false);

    private static SwitchyardTestHost Host(Counters counters, FlakySettings? flaky = null) => SwitchyardTestHost.Create(
        sdk => sdk.AddFunction<Checkout>().AddFunction<ChargeCard>().AddFunction<Flaky>(),
        services => services.AddSingleton(counters).AddSingleton(flaky ?? new FlakySettings(0)));

    [Fact]
    public async Task StepBodiesRunOnceWhileTheFunctionIsReenteredForEachStep()
    {
        var counters = new Counters();
        await using var host = Host(counters);
        host.SendEvent(new Event("shop/approved", new { id = "o1", by = "ada" }), after: TimeSpan.FromDays(3) + TimeSpan.FromMinutes(5));

        var run = await host.RunAsync<Checkout, Order, Outcome>(new Order("o1", 1200));

        Assert.Equal(TestRunStatus.Completed, run.Status);
        Assert.Equal(new Outcome("order o1", "ada", new Receipt("o1", true)), run.Result);
        Assert.Equal((1, 1), (counters.Greet, counters.Charge));
        // One call per step (greet, sleep, wait, invoke) and the last one that returns: replayed from the start each time.
        Assert.Equal(5, counters.Entries);
        Assert.Equal(5, run.Calls);
    }

    [Fact]
    public async Task SleepsAndWaitTimeoutsAdvanceVirtualTime()
    {
        var counters = new Counters();
        await using var host = Host(counters);
        var start = host.Time.GetUtcNow();

        var run = await host.RunAsync<Checkout, Order, Outcome>(new Order("o2", 500));

        // No approval event: the wait returns null after its hour, after the three-day sleep.
        Assert.Null(run.EnsureCompleted()!.Approver);
        Assert.Equal(TimeSpan.FromDays(3) + TimeSpan.FromHours(1), run.Elapsed);
        Assert.Equal(start + run.Elapsed, host.Time.GetUtcNow());
    }

    [Fact]
    public async Task AWaitTakesOnlyAnEventThatMatches()
    {
        var counters = new Counters();
        await using var host = Host(counters);
        host.SendEvent(new Event("shop/approved", new { id = "other", by = "mallory" }), after: TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        host.SendEvent(new Event("shop/approved", new { id = "o3", by = "grace" }), after: TimeSpan.FromDays(3) + TimeSpan.FromMinutes(7));

        var run = await host.RunAsync<Checkout, Order, Outcome>(new Order("o3", 500));

        Assert.Equal("grace", run.EnsureCompleted()!.Approver);
        Assert.Equal(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(7), run.Elapsed);
    }

    [Fact]
    public async Task AStubAnswersATypedInvoke()
    {
        var counters = new Counters();
        await using var host = Host(counters);
        Order? seen = null;
        host.StubInvoke(ChargeCard.Ref, order => { seen = order; return new Receipt("stubbed", false); });

        var run = await host.RunAsync<Checkout, Order, Outcome>(new Order("o4", 999));

        Assert.Equal(new Receipt("stubbed", false), run.EnsureCompleted()!.Receipt);
        Assert.Equal(new Order("o4", 999), seen);
        Assert.Equal(0, counters.Charge);
    }

    [Fact]
    public async Task AFailingStepIsRetriedWithTheServersBackoff()
    {
        var counters = new Counters();
        await using var host = Host(counters, new FlakySettings(Failures: 2));

        var run = await host.RunAsync<Flaky, Order, int>(new Order("o5", 1));

        Assert.Equal(3, run.EnsureCompleted());
        Assert.Equal(3, run.StepAttempts["call-bank"]);
        // 1 s before the first retry, 2 s before the second.
        Assert.Equal(TimeSpan.FromSeconds(3), run.Elapsed);
        Assert.Null(run.FailureHandler);
    }

    [Fact]
    public async Task ExhaustedRetriesFailTheRunAndRunOnFailure()
    {
        var counters = new Counters();
        await using var host = Host(counters, new FlakySettings(Failures: 100));
        Flaky.Handled.Clear();

        var run = await host.RunAsync<Flaky, Order, int>(new Order("o6", 1));

        Assert.Equal(TestRunStatus.Failed, run.Status);
        Assert.Equal(3, counters.Flaky);
        Assert.Equal(("InvalidOperationException", "bank down (3)"), (run.Error!.Name, run.Error.Message));
        Assert.Equal(TestRunStatus.Completed, run.FailureHandler?.Status);
        var handled = Assert.Single(Flaky.Handled);
        Assert.Equal("bank down (3)", handled.Message);
    }

    [Fact]
    public async Task ANonRetriableExceptionFailsAtTheFirstAttempt()
    {
        var counters = new Counters();
        await using var host = Host(counters, new FlakySettings(Failures: 0, NonRetriable: true));
        Flaky.Handled.Clear();

        var run = await host.RunAsync<Flaky, Order, int>(new Order("o7", 1));

        Assert.Equal(TestRunStatus.Failed, run.Status);
        Assert.Equal(1, counters.Flaky);
        Assert.Equal(TimeSpan.Zero, run.Elapsed);
        Assert.Equal("card blocked", run.Error!.Message);
    }

    [Fact]
    public void TheBackoffIsTheEnginesWithItsDefaults()
    {
        var engine = new RetryPolicy(new ServerOptions());
        for (var retry = 1; retry <= 12; retry++)
        {
            var expected = RetryBackoff.Delay(retry, null);
            var actual = engine.Delay(retry, null);
            // The engine adds up to 20 % jitter on top; the test host none.
            Assert.InRange(actual, expected, expected * 1.2);
        }
        Assert.Equal(engine.Delay(3, TimeSpan.FromSeconds(42)), RetryBackoff.Delay(3, TimeSpan.FromSeconds(42)));
    }
}
