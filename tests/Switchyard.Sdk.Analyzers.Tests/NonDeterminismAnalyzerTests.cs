using static Switchyard.Sdk.Analyzers.Tests.Verify;

namespace Switchyard.Sdk.Analyzers.Tests;

public sealed class NonDeterminismAnalyzerTests
{
    [Fact]
    public async Task Clock_guid_random_tick_count_and_stopwatch_outside_a_step_are_SWY003()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string, string>
            {
                public override async Task<string> RunAsync(FunctionContext<string> ctx)
                {
                    var now = {|#0:DateTime.Now|};
                    var utc = {|#1:DateTimeOffset.UtcNow|}.AddDays(1);
                    var id = {|#2:Guid.NewGuid()|}.ToString("N");
                    var dice = {|#3:new Random()|}.Next(6) + {|#4:Random.Shared|}.Next(6);
                    var ticks = {|#5:Environment.TickCount64|};
                    var watch = {|#6:Stopwatch.StartNew()|};
                    await ctx.Step.SleepUntilAsync("later", {|#7:DateTimeOffset.Now|});
                    return $"{now}{utc}{id}{dice}{ticks}{watch.Elapsed}";
                }
            }
            """;
        await AnalyzerAsync<NonDeterminismAnalyzer>(source,
            At(Descriptors.NonDeterministicOutsideStep, 0, "DateTime.Now"),
            At(Descriptors.NonDeterministicOutsideStep, 1, "DateTimeOffset.UtcNow"),
            At(Descriptors.NonDeterministicOutsideStep, 2, "Guid.NewGuid()"),
            At(Descriptors.NonDeterministicOutsideStep, 3, "new Random()"),
            At(Descriptors.NonDeterministicOutsideStep, 4, "Random.Shared"),
            At(Descriptors.NonDeterministicOutsideStep, 5, "Environment.TickCount64"),
            At(Descriptors.NonDeterministicOutsideStep, 6, "Stopwatch.StartNew()"),
            At(Descriptors.NonDeterministicOutsideStep, 7, "DateTimeOffset.Now"));
    }

    [Fact]
    public async Task The_same_calls_inside_step_bodies_seeded_random_and_code_outside_functions_are_fine()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string, string>
            {
                public override async Task<string> RunAsync(FunctionContext<string> ctx)
                {
                    var now = await ctx.Step.RunAsync("now", () => DateTime.UtcNow);
                    var id = await ctx.Step.RunAsync("id", async ct => { await Task.Delay(1, ct); return Guid.NewGuid(); });
                    await ctx.Step.RunAsync("log", () => Console.WriteLine(Stopwatch.GetTimestamp()));
                    var dice = new Random(42).Next(6);   // seeded: the same on every replay
                    return $"{now}{id}{dice}";
                }

                // Not a function body (no FunctionContext): ordinary code.
                public static string Stamp() => DateTime.UtcNow.ToString("O");
            }

            public sealed class NotAFunction
            {
                public Task<Guid> RunAsync(FunctionContext<string> ctx) => Task.FromResult(Guid.NewGuid());
            }
            """;
        await AnalyzerAsync<NonDeterminismAnalyzer>(source);
    }

    [Fact]
    public async Task Helpers_that_take_the_context_and_OnFailureAsync_are_function_bodies_too()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string>
            {
                public override async Task<object?> RunAsync(FunctionContext<string> ctx) => await Next(ctx);

                private static Task<object?> Next(FunctionContext<string> ctx) => Task.FromResult<object?>({|#0:DateTime.Today|});

                public override Task OnFailureAsync(FailureContext<string> ctx) =>
                    ctx.Step.SendEventAsync("alert", new Event("failed", new { id = {|#1:Guid.NewGuid()|} }));
            }
            """;
        await AnalyzerAsync<NonDeterminismAnalyzer>(source,
            At(Descriptors.NonDeterministicOutsideStep, 0, "DateTime.Today"),
            At(Descriptors.NonDeterministicOutsideStep, 1, "Guid.NewGuid()"));
    }
}
