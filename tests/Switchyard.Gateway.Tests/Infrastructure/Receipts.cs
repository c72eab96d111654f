using System.Text.Json.Nodes;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>The gateway's delivery receipts, as the server stores them.</summary>
public static class Receipts
{
    /// <summary>Waits for an event named <paramref name="prefix"/>… whose data.correlationId is <paramref name="correlationId"/>.</summary>
    public static Task<JsonObject> WaitForReceiptAsync(this TestServer server, string correlationId, string prefix = "gateway/delivery.", TimeSpan? timeout = null) =>
        Eventually.GetAsync(async () => (await server.EventsAsync(prefix)).FirstOrDefault(e => e["data"]?["correlationId"]?.GetValue<string>() == correlationId),
            $"{prefix}* for {correlationId}", timeout);
}
