using static Switchyard.Sdk.Analyzers.Tests.Verify;

namespace Switchyard.Sdk.Analyzers.Tests;

public sealed class StepIdAnalyzerTests
{
    private const string Records = """
        public sealed record Order(string Id, string[] Items);

        """;

    [Fact]
    public async Task The_same_literal_id_at_two_step_calls_of_one_method_is_SWY001_at_the_second()
    {
        const string source = Records + """
            public sealed class Ship : SwitchyardFunction<Order, int>
            {
                public override async Task<int> RunAsync(FunctionContext<Order> ctx)
                {
                    var a = await ctx.Step.RunAsync("fetch", () => 1);
                    await ctx.Step.SleepAsync("wait", TimeSpan.FromMinutes(1));
                    var b = await ctx.Step.RunAsync({|#0:"fetch"|}, () => 2);
                    return a + b;
                }
            }
            """;
        await AnalyzerAsync<StepIdAnalyzer>(source, At(Descriptors.DuplicateStepId, 0, "fetch", "RunAsync"));
    }

    [Fact]
    public async Task A_constant_reused_inside_a_step_lambda_and_an_obsolete_name_still_counts_as_a_duplicate()
    {
        const string source = Records + """
            public sealed class Ship : SwitchyardFunction<Order, int>
            {
                private const string Fetch = "fetch";
                public override async Task<int> RunAsync(FunctionContext<Order> ctx)
                {
                    await ctx.Step.RunAsync(Fetch, () => 1);
            #pragma warning disable CS0618
                    await ctx.Step.Run({|#0:"fetch"|}, () => 2);
            #pragma warning restore CS0618
                    return 0;
                }
            }
            """;
        await AnalyzerAsync<StepIdAnalyzer>(source, At(Descriptors.DuplicateStepId, 0, "fetch", "RunAsync"));
    }

    [Fact]
    public async Task Distinct_ids_one_call_in_a_loop_and_the_same_id_in_RunAsync_and_OnFailureAsync_are_fine()
    {
        const string source = Records + """
            public sealed class Ship : SwitchyardFunction<Order, int>
            {
                public override async Task<int> RunAsync(FunctionContext<Order> ctx)
                {
                    var total = 0;
                    foreach (var item in ctx.Event.Data.Items)
                        total += await ctx.Step.RunAsync("item", () => item.Length);   // one call site: numbered item, item:1, …
                    await Task.WhenAll(ctx.Step.RunAsync("p1", () => 1), ctx.Step.RunAsync("p2", () => 2));
                    await ctx.Step.SendEventAsync("alert", new Event("x", new { }));
                    return total;
                }

                public override async Task OnFailureAsync(FailureContext<Order> ctx) =>
                    await ctx.Step.SendEventAsync("alert", new Event("y", new { }));
            }
            """;
        await AnalyzerAsync<StepIdAnalyzer>(source);
    }

    [Fact]
    public async Task Ids_interpolating_loop_variables_parameters_and_event_data_are_stable()
    {
        const string source = Records + """
            public sealed class Ship : SwitchyardFunction<Order, int>
            {
                public override async Task<int> RunAsync(FunctionContext<Order> ctx)
                {
                    for (var i = 0; i < ctx.Event.Data.Items.Length; i++)
                        await ctx.Step.RunAsync($"fetch-{i}", () => i);
                    foreach (var item in ctx.Event.Data.Items)
                        await ctx.Step.RunAsync("ship-" + item.ToUpperInvariant(), () => 0);
                    await Save(ctx, ctx.Event.Data.Id);
                    var stamp = await ctx.Step.RunAsync("stamp", () => Guid.NewGuid());   // stored: the same on every replay
                    await ctx.Step.RunAsync($"audit-{stamp}", () => 0);
                    return 0;
                }

                private static Task Save(FunctionContext<Order> ctx, string key) => ctx.Step.RunAsync($"save-{key}", () => 0);
            }
            """;
        await AnalyzerAsync<StepIdAnalyzer>(source);
    }

    [Fact]
    public async Task Ids_reading_the_clock_a_new_guid_random_or_a_string_hash_are_SWY002()
    {
        const string source = Records + """
            public sealed class Ship : SwitchyardFunction<Order, int>
            {
                public override async Task<int> RunAsync(FunctionContext<Order> ctx)
                {
                    await ctx.Step.RunAsync({|#0:$"fetch-{Guid.NewGuid()}"|}, () => 0);
                    await ctx.Step.SleepAsync({|#1:"nap-" + DateTime.UtcNow.Ticks|}, TimeSpan.FromSeconds(1));
                    await ctx.Step.RunAsync({|#2:$"roll-{Random.Shared.Next(6)}"|}, () => 0);
                    await ctx.Step.RunAsync({|#3:$"order-{ctx.Event.Data.Id.GetHashCode()}"|}, () => 0);
                    return 0;
                }
            }
            """;
        await AnalyzerAsync<StepIdAnalyzer>(source,
            At(Descriptors.UnstableStepId, 0, "Guid.NewGuid()"),
            At(Descriptors.UnstableStepId, 1, "DateTime.UtcNow"),
            At(Descriptors.UnstableStepId, 2, "Random.Shared"),
            At(Descriptors.UnstableStepId, 3, "GetHashCode()"));
    }
}
