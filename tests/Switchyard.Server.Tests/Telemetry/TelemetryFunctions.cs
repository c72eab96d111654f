using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests.Telemetry;

public sealed class TelemetryOk : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("ok").OnEvent("tel/ok");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => await ctx.Step.RunAsync("work", () => "done");
}

public sealed class TelemetryFails : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("fails").OnEvent("tel/fail").Retries(0);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("explode", Explode);

    private static string Explode() => throw new NonRetriableException("the disk is on fire");
}

public sealed class TelemetrySleeps : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("sleeps").OnEvent("tel/sleep");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("long", TimeSpan.FromMinutes(10));
        return null;
    }
}
