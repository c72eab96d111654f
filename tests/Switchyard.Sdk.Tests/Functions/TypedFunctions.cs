using System.Text.Json.Serialization;

namespace Switchyard.Sdk.Tests.Functions;

public sealed record ReportRequest(string User, int Pages);

public sealed record Report(string User, int Pages, bool Sent);

/// <summary>A typed function with static metadata: typed event data in, typed result out.</summary>
internal sealed class TypedReport : SwitchyardFunction<ReportRequest, Report>, IFunctionDefinition
{
    public static void Define(FunctionBuilder f) => f.Id("typed-report").OnEvent("test/report").Retries(1);

    public override async Task<Report> RunAsync(FunctionContext<ReportRequest> ctx)
    {
        var pages = await ctx.Step.RunAsync("count", () => ctx.Event.Data.Pages * 2);
        return new Report(ctx.Event.Data.User, pages, true);
    }
}

/// <summary>Invokes <see cref="TypedReport"/> through a typed reference and through the function type.</summary>
internal sealed class TypedInvoker : SwitchyardFunction<ReportRequest, int>, IFunctionDefinition
{
    private static readonly FunctionRef<ReportRequest, Report> ReportRef = FunctionRef<ReportRequest, Report>.To<TypedReport>();

    public static void Define(FunctionBuilder f) => f.Id("typed-invoker").OnEvent("test/report");

    public override async Task<int> RunAsync(FunctionContext<ReportRequest> ctx)
    {
        var first = await ctx.Step.InvokeAsync("by-ref", ReportRef, ctx.Event.Data, timeout: TimeSpan.FromMinutes(1));
        var second = await ctx.Step.InvokeAsync<TypedReport, ReportRequest, Report>("by-type", ctx.Event.Data with { Pages = 1 });
        return first.Pages + second.Pages;
    }
}

/// <summary>Counts its constructions, and needs a service nobody registers: reading its metadata must do neither.</summary>
internal sealed class NeverBuilt(NeverBuilt.IUnregistered dependency) : SwitchyardFunction<ReportRequest, Report>, IFunctionDefinition
{
    public static int Constructed;

    internal interface IUnregistered;

    private readonly IUnregistered _dependency = Count(dependency);

    public static void Define(FunctionBuilder f) => f.Id("never-built").Name("Never built").OnEvent("test/never").Concurrency(2).Retries(3);

    public override Task<Report> RunAsync(FunctionContext<ReportRequest> ctx) => Task.FromResult(new Report(_dependency.ToString()!, 0, false));

    private static IUnregistered Count(IUnregistered d)
    {
        Interlocked.Increment(ref Constructed);
        return d;
    }
}

/// <summary>A step whose body waits on its cancellation token, recording when it starts and when it is canceled.</summary>
internal sealed class CancellableStep : SwitchyardFunction<ReportRequest, string>, IFunctionDefinition
{
    public static TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public static TaskCompletionSource Canceled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Define(FunctionBuilder f) => f.Id("cancellable").OnEvent("test/report");

    public override async Task<string> RunAsync(FunctionContext<ReportRequest> ctx) =>
        await ctx.Step.RunAsync("wait", async cancellationToken =>
        {
            await using var registration = cancellationToken.Register(() => Canceled.TrySetResult());
            Started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return "never";
        });
}

/// <summary>Uses the step names from before the Async rename, which must keep working for a release.</summary>
internal sealed class LegacyNames : SwitchyardFunction<ReportRequest, int>, IFunctionDefinition
{
    public static void Define(FunctionBuilder f) => f.Id("legacy-names").OnEvent("test/report");

#pragma warning disable CS0618 // The point: the obsolete forwarders still work.
    public override async Task<int> RunAsync(FunctionContext<ReportRequest> ctx) => await ctx.Step.Run("old", () => ctx.Event.Data.Pages + 1);
#pragma warning restore CS0618
}

public sealed record Order(string OrderId, int TotalCents);

public sealed record Receipt(string OrderId, int TotalCents, int StepValue);

/// <summary>Source-generated, with snake_case names, so that a result shows which serializer wrote it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(int))]
internal sealed partial class SnakeJsonContext : JsonSerializerContext;

internal sealed class SnakeOrder : SwitchyardFunction<Order, Receipt>, IFunctionDefinition
{
    public static void Define(FunctionBuilder f) => f.Id("snake-order").OnEvent("test/one");

    public override async Task<Receipt> RunAsync(FunctionContext<Order> ctx)
    {
        var doubled = await ctx.Step.RunAsync("double", () => ctx.Event.Data.TotalCents * 2);
        return new Receipt(ctx.Event.Data.OrderId, ctx.Event.Data.TotalCents, doubled);
    }
}
