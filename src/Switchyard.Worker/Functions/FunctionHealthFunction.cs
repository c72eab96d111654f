using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Sdk;
using Switchyard.Worker.Health;

namespace Switchyard.Worker.Functions;

/// <summary>Checks the registry on a cron (and on <c>switchyard/health.requested</c>): expected functions present
/// and owned by the right app, no id conflicts, no cron silent for more than twice its cadence. Reports with the
/// event <c>switchyard/health.report</c> and a telemetry event, and returns the report as the run's output.</summary>
internal sealed class FunctionHealthFunction(WorkerOptions options, FunctionHealthCheck check, Switchyard.Client.SwitchyardClient bus) : SwitchyardFunction<JsonObject>
{
    /// <summary>Sending this event runs a check now.</summary>
    public const string RequestEvent = "switchyard/health.requested";

    /// <summary>The event carrying each report.</summary>
    public const string ReportEvent = "switchyard/health.report";

    public override void Configure(FunctionBuilder function) => function
        .Id(WorkerFunction.FunctionHealth.Id).Name("Function health")
        .Roles([.. WorkerFunction.FunctionHealth.Roles])
        .OnCron(options.HealthCron)
        .OnEvent(RequestEvent)
        .Retries(2)
        // Overlapping checks would only report the same thing twice.
        .Singleton(mode: "skip");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var report = await context.Step.RunAsync("inspect", () => check.RunAsync(context.CancellationToken));
        await context.Step.SendEventAsync("report", new Event(ReportEvent, report) { Id = $"health:{context.RunId}" });
        await context.Step.RunAsync("telemetry", () => (Task)bus.EmitTelemetryAsync([Telemetry(report, context.RunId)], context.CancellationToken));
        return report;
    }

    private TelemetryEmit Telemetry(FunctionHealthReport report, string runId)
    {
        var ok = report.Status == "ok";
        var problems = report.Missing.Select(m => $"{m.FunctionId}: {m.Reason}")
            .Concat(report.Conflicts.Select(c => $"{c.FunctionId}: registered by {string.Join(" and ", c.Apps)}; runs go to {c.Owner}"))
            .Concat(report.StaleCrons.Select(s => $"{s.FunctionId} ({s.Cron}): {s.Reason}"))
            .ToList();
        return new TelemetryEmit("worker", options.RegisteredAppId, ok ? "worker.function_health.ok" : "worker.function_health.degraded",
            Level: ok ? "info" : "warn", Success: ok, Error: ok ? null : string.Join("; ", problems),
            Metadata: new JsonObject
            {
                ["runId"] = runId,
                ["registered"] = report.Registered.Count,
                ["expected"] = report.Expected.Count,
                ["missing"] = report.Missing.Count,
                ["conflicts"] = report.Conflicts.Count,
                ["staleCrons"] = report.StaleCrons.Count,
            });
    }
}
