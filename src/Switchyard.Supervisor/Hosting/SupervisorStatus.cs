using System.Text.Json.Nodes;
using Switchyard.Supervisor.Supervision;

namespace Switchyard.Supervisor.Hosting;

/// <summary>The body of <c>GET /status</c>.</summary>
/// <param name="Status"><c>ok</c> when every service is Healthy or Running, else <c>degraded</c>.</param>
/// <param name="Pid">The supervisor's pid.</param>
/// <param name="Config">The configuration file.</param>
/// <param name="StartedAt">When the supervisor started.</param>
/// <param name="UptimeSeconds">How long it has run.</param>
/// <param name="TelemetryUrl">Where events are posted (null = off).</param>
/// <param name="TelemetryDropped">Events that could not be delivered.</param>
/// <param name="Services">Each service, in configuration order.</param>
/// <param name="Recent">The latest events (telemetry schema), oldest first.</param>
public sealed record SupervisorStatus(string Status, int Pid, string? Config, DateTimeOffset StartedAt, double UptimeSeconds, string? TelemetryUrl,
    long TelemetryDropped, IReadOnlyList<ServiceStatus> Services, IReadOnlyList<JsonObject> Recent);
