using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Hosting;
using Switchyard.Gateway.Stream;

namespace Switchyard.Gateway.Delivery;

/// <summary>Tells people and the bus what a delivery did: the stream's <c>gateway</c> topic and telemetry (source
/// <c>gateway</c>, component <c>delivery</c>, with the run and event ids so <c>yard otel list --run</c> finds it), and
/// publishes the notification to its session streams.</summary>
public sealed class DeliveryReporter(StreamHub hub, GatewayTelemetry bus, TimeProvider time)
{
    /// <summary>Publishes the notification to each session's stream; returns the sessions published to.</summary>
    public async Task<IReadOnlyList<string>> SessionsAsync(DeliveryPlan plan, string? eventId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var s in plan.Sessions)
        {
            var data = new JsonObject
            {
                ["correlationId"] = plan.CorrelationId, ["kind"] = plan.Kind, ["text"] = plan.Text, ["session"] = s, ["eventId"] = eventId,
                ["actions"] = JsonSerializer.SerializeToNode(plan.Actions, JsonSerializerOptions.Web),
            };
            await hub.PublishAsync(new StreamMessage("notification", "session:" + s, now, data), cancellationToken);
        }
        return plan.Sessions;
    }

    /// <summary>Reports a receipt.</summary>
    public async Task<bool> ReceiptAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        var data = (JsonObject)JsonSerializer.SerializeToNode(receipt, JsonSerializerOptions.Web)!;
        await hub.GatewayAsync(receipt.State == "confirmed" ? "delivery.confirmed" : "delivery.failed", (JsonObject)data.DeepClone(), cancellationToken);
        await bus.TelemetryAsync(receipt.State == "confirmed" ? "info" : "error", "delivery", "gateway.delivery." + receipt.State, receipt.Reason,
            new JsonObject
            {
                ["runId"] = receipt.RunId, ["eventId"] = receipt.RequestEventId, ["correlationId"] = receipt.CorrelationId, ["kind"] = receipt.Kind,
                ["platform"] = receipt.Platform, ["platformMessageId"] = receipt.PlatformMessageId, ["digestId"] = receipt.DigestId,
                ["deliveries"] = data["deliveries"]?.DeepClone(),
            }, cancellationToken);
        return true;
    }
}
