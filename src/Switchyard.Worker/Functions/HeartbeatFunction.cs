using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Worker.Functions;

/// <summary>Emits <c>switchyard/heartbeat</c> on a cron. Each heartbeat proves the whole loop works: the server fired
/// the cron, reached a worker, and took an event back. Alerting on missing heartbeats is a subscriber's job.</summary>
internal sealed class HeartbeatFunction(WorkerOptions options) : SwitchyardFunction<JsonObject>
{
    /// <summary>The event every heartbeat emits.</summary>
    public const string EventName = "switchyard/heartbeat";

    public override void Configure(FunctionBuilder function) => function
        .Id(WorkerFunction.Heartbeat.Id).Name("Heartbeat")
        .Roles([.. WorkerFunction.Heartbeat.Roles])
        .OnCron(options.HeartbeatCron)
        // A missed beat is better than a late one piling up behind retries.
        .Retries(0);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var data = new
        {
            app = options.RegisteredAppId,
            role = options.Role,
            cron = options.HeartbeatCron,
            firedAt = context.Event.Timestamp.ToUnixTimeMilliseconds(),
            runId = context.RunId,
        };
        // The id makes a re-sent heartbeat (a retried call) a duplicate the server stores once.
        var ids = await context.Step.SendEventAsync("emit", new Event(EventName, data) { Id = $"heartbeat:{context.RunId}" });
        return new { eventId = ids.Count > 0 ? ids[0] : null, data.app, data.firedAt };
    }
}
