using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchyard.Engine.Model;

/// <summary>One stored telemetry event (the <c>/observability/emit</c> schema). <see cref="RunId"/> and
/// <see cref="EventId"/> are copied out of <c>metadata.runId</c> / <c>metadata.eventId</c> so a trace can find the
/// telemetry of a run or an event without searching text.</summary>
/// <param name="Id">Unique id (a ULID unless the emitter gave one); a repeated id is stored once.</param>
/// <param name="Timestamp">When it happened, Unix ms.</param>
/// <param name="ReceivedAt">When the store committed it, Unix ms (retention counts from here).</param>
/// <param name="Level">See <see cref="TelemetryLevel"/>.</param>
/// <param name="Source">The emitting system or process, e.g. <c>switchyard</c>, <c>billing-worker</c>.</param>
/// <param name="Component">The part of the source, e.g. <c>runs</c>, <c>gateway.telegram</c>.</param>
/// <param name="Action">What happened, e.g. <c>run.failed</c>.</param>
/// <param name="DurationMs">How long it took, when timed.</param>
/// <param name="Success">Outcome, when it has one.</param>
/// <param name="Error">Error text, when it failed.</param>
/// <param name="Metadata">A JSON object of further fields.</param>
/// <param name="SessionId">Emitter's session (e.g. a chat session).</param>
/// <param name="SystemId">Emitter's system or host id.</param>
/// <param name="RunId"><c>metadata.runId</c>, when a string.</param>
/// <param name="EventId"><c>metadata.eventId</c>, when a string.</param>
/// <param name="Seq">Store order (0 until stored).</param>
public sealed record TelemetryRecord(
    string Id,
    long Timestamp,
    long ReceivedAt,
    string Level,
    string Source,
    string Component,
    string Action,
    double? DurationMs,
    bool? Success,
    string? Error,
    string Metadata,
    string? SessionId,
    string? SystemId,
    string? RunId,
    string? EventId,
    long Seq = 0)
{
    /// <summary>True for events that count as failures in statistics: level <c>error</c>, or <c>success: false</c>.</summary>
    public bool IsFailure => Level == TelemetryLevel.Error || Success == false;

    /// <summary>The JSON shape every API answer and CLI view uses: the emit schema (timestamp as ISO-8601) plus
    /// <c>ts</c> and <c>receivedAt</c> in Unix ms.</summary>
    public JsonObject ToJson()
    {
        // Stored rows may predate today's limits (e.g. metadata nested 62 levels); they must still render.
        var metadata = Switchyard.Engine.Parsing.JsonLimits.ParseStored(Metadata) ?? new JsonObject();
        return new JsonObject
        {
            ["id"] = Id,
            ["timestamp"] = DateTimeOffset.FromUnixTimeMilliseconds(Timestamp).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["ts"] = Timestamp,
            ["receivedAt"] = ReceivedAt,
            ["level"] = Level,
            ["source"] = Source,
            ["component"] = Component,
            ["action"] = Action,
            ["duration_ms"] = DurationMs,
            ["success"] = Success,
            ["error"] = Error,
            ["metadata"] = metadata,
            ["sessionId"] = SessionId,
            ["systemId"] = SystemId,
        };
    }
}
