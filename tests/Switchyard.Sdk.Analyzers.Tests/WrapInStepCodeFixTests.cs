using static Switchyard.Sdk.Analyzers.Tests.Verify;

namespace Switchyard.Sdk.Analyzers.Tests;

public sealed class WrapInStepCodeFixTests
{
    [Fact]
    public async Task The_fix_moves_the_value_and_the_members_read_off_it_into_a_step_named_after_it()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string, string>
            {
                public override async Task<string> RunAsync(FunctionContext<string> context)
                {
                    await context.Step.SleepUntilAsync("later", {|#0:DateTimeOffset.UtcNow|}.Date.AddDays(1));
                    var id = {|#1:Guid.NewGuid()|}.ToString("N");
                    return id;
                }
            }
            """;
        const string fixedSource = """
            public sealed class Report : SwitchyardFunction<string, string>
            {
                public override async Task<string> RunAsync(FunctionContext<string> context)
                {
                    await context.Step.SleepUntilAsync("later", await context.Step.RunAsync("utc-now", () => DateTimeOffset.UtcNow.Date.AddDays(1)));
                    var id = await context.Step.RunAsync("new-guid", () => Guid.NewGuid().ToString("N"));
                    return id;
                }
            }
            """;
        await CodeFixAsync<NonDeterminismAnalyzer, WrapInStepCodeFix>(source, fixedSource,
            At(Descriptors.NonDeterministicOutsideStep, 0, "DateTimeOffset.UtcNow"),
            At(Descriptors.NonDeterministicOutsideStep, 1, "Guid.NewGuid()"));
    }

    [Fact]
    public async Task The_step_id_avoids_ids_the_method_already_uses_and_parentheses_stay_where_needed()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string, int>
            {
                public override async Task<int> RunAsync(FunctionContext<string> ctx)
                {
                    await ctx.Step.RunAsync("tick-count", () => 0);
                    return -{|#0:Environment.TickCount|};
                }
            }
            """;
        const string fixedSource = """
            public sealed class Report : SwitchyardFunction<string, int>
            {
                public override async Task<int> RunAsync(FunctionContext<string> ctx)
                {
                    await ctx.Step.RunAsync("tick-count", () => 0);
                    return -await ctx.Step.RunAsync("tick-count-2", () => Environment.TickCount);
                }
            }
            """;
        await CodeFixAsync<NonDeterminismAnalyzer, WrapInStepCodeFix>(source, fixedSource,
            At(Descriptors.NonDeterministicOutsideStep, 0, "Environment.TickCount"));
    }

    [Fact]
    public async Task No_fix_is_offered_for_a_bare_Random_or_outside_an_async_body()
    {
        const string source = """
            public sealed class Report : SwitchyardFunction<string, int>
            {
                public override async Task<int> RunAsync(FunctionContext<string> ctx)
                {
                    var rng = {|#0:new Random()|};   // a Random stored as JSON is an empty object: no fix
                    await Task.Yield();
                    return rng.Next();
                }

                public override Task OnFailureAsync(FailureContext<string> ctx) =>
                    Task.FromResult({|#1:DateTime.Now|});   // not async: no await possible
            }
            """;
        await CodeFixAsync<NonDeterminismAnalyzer, WrapInStepCodeFix>(source, source,
            At(Descriptors.NonDeterministicOutsideStep, 0, "new Random()"),
            At(Descriptors.NonDeterministicOutsideStep, 1, "DateTime.Now"));
    }
}
