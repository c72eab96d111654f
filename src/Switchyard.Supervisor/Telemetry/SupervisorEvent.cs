using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;

namespace Switchyard.Supervisor.Telemetry;

/// <summary>One supervisor transition in the bus's telemetry schema (<c>POST /observability/emit</c>).</summary>
/// <param name="Id">Unique id (the server stores a repeated id once).</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Level"><c>debug</c>, <c>info</c>, <c>warn</c> or <c>error</c>.</param>
/// <param name="Component">The service name, or <c>supervisor</c> for the supervisor's own events.</param>
/// <param name="Action">E.g. <c>supervisor.child.exited</c>.</param>
/// <param name="Error">What went wrong, for failures.</param>
/// <param name="Success">Whether the step succeeded, where that applies.</param>
/// <param name="DurationMs">How long the step took, where that applies.</param>
/// <param name="Metadata">Details: pid, exit code, backoff, port holder…</param>
public sealed record SupervisorEvent(string Id, DateTimeOffset Timestamp, string Level, string Component, string Action,
    string? Error, bool? Success, double? DurationMs, JsonObject Metadata)
{
    /// <summary>The <c>source</c> of every supervisor event.</summary>
    public const string Source = "supervisor";

    /// <summary>The wire form (<c>POST /observability/emit</c>).</summary>
    public TelemetryEmit ToEmit() => new(Source, Component, Action, Level: Level, Id: Id,
        Timestamp: Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        DurationMs: DurationMs is { } d ? Math.Round(d, 1) : null, Success: Success, Error: Error, Metadata: (JsonObject)Metadata.DeepClone());

    /// <summary>The wire form as JSON, as the status endpoint shows recent events.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(ToEmit(), Switchyard.Client.SwitchyardJson.Options)!.AsObject();
}
