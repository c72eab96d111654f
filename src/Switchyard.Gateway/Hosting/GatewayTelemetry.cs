using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Client.Models;
using BusApi = Switchyard.Client.SwitchyardClient;

namespace Switchyard.Gateway.Hosting;

/// <summary>The gateway's telemetry (source <c>gateway</c>) through the bus client. It never throws: a gateway that
/// cannot report still delivers.</summary>
public sealed class GatewayTelemetry(BusApi bus, ILogger<GatewayTelemetry> logger)
{
    /// <summary>Posts one telemetry event; failures are logged and dropped.</summary>
    public async Task TelemetryAsync(string level, string component, string action, string? error, JsonObject? metadata, CancellationToken cancellationToken)
    {
        var e = new TelemetryEmit("gateway", component, action, Level: level, Success: level is not ("error" or "warn"), Error: error, Metadata: metadata ?? []);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            await bus.EmitTelemetryAsync([e], cts.Token);
        }
        catch (Switchyard.Client.SwitchyardApiException ex)
        {
            logger.LogWarning("telemetry {Action} not accepted: HTTP {Status} {Error}", action, ex.Status, ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("telemetry {Action} not sent: {Error}", action, ex.Message);
        }
    }
}
