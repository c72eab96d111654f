using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Parsing;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Telemetry;

/// <summary>Parses a <c>POST /observability/emit</c> body (one event object or an array) and validates every field.
/// Any error rejects the whole request, so nothing of a bad request is stored.</summary>
public static partial class TelemetryParser
{
    /// <summary>Longest id, session id, system id or correlation id.</summary>
    public const int MaxIdLength = 256;
    /// <summary>Longest source or component.</summary>
    public const int MaxNameLength = 128;
    /// <summary>Longest action.</summary>
    public const int MaxActionLength = 256;
    /// <summary>Longest error text.</summary>
    public const int MaxErrorLength = 16 * 1024;
    /// <summary>Largest metadata object, serialized.</summary>
    public const int MaxMetadataLength = 64 * 1024;

    // Year 10000 in Unix ms: later instants do not fit DateTimeOffset.
    private const long MaxUnixMs = 253_402_300_799_999;

    /// <summary>Parses <paramref name="body"/>; <paramref name="now"/> (Unix ms) is the timestamp of events without
    /// one. Returns the events (with <see cref="TelemetryRecord.ReceivedAt"/> still 0) or the first problem.</summary>
    public static (IReadOnlyList<TelemetryRecord>? Events, EngineError? Error) Parse(ReadOnlySpan<byte> body, int maxEvents, long now) =>
        JsonBatch.Parse<TelemetryRecord>(body, maxEvents, "a telemetry event", "a telemetry event object or an array of them", (o, path) => ParseOne(o, path, now));

    private static (TelemetryRecord?, EngineError?) ParseOne(JsonObject o, string path, long now)
    {
        var (source, sourceError) = Required(o, "source", path, MaxNameLength);
        if (sourceError is not null) return (null, sourceError);
        var (component, componentError) = Required(o, "component", path, MaxNameLength);
        if (componentError is not null) return (null, componentError);
        var (action, actionError) = Required(o, "action", path, MaxActionLength);
        if (actionError is not null) return (null, actionError);

        var level = TelemetryLevel.Info;
        switch (o["level"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue(out string? s) && TelemetryLevel.Normalize(s) is { } normalized: level = normalized; break;
            default: return (null, EngineError.Invalid("invalid_level", $"{path}level must be one of {string.Join(", ", TelemetryLevel.All)}"));
        }

        var (id, idError) = Optional(o, "id", path, MaxIdLength);
        if (idError is not null) return (null, idError);
        var (sessionId, sessionError) = Optional(o, "sessionId", path, MaxIdLength);
        if (sessionError is not null) return (null, sessionError);
        var (systemId, systemError) = Optional(o, "systemId", path, MaxIdLength);
        if (systemError is not null) return (null, systemError);

        var (timestamp, timestampError) = Timestamp(o["timestamp"], path, now);
        if (timestampError is not null) return (null, timestampError);

        double? duration = null;
        switch (o["duration_ms"])
        {
            case null: break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && d >= 0 && d < 1e13: duration = d; break;
            default: return (null, EngineError.Invalid("invalid_duration_ms", $"{path}duration_ms must be a non-negative number of milliseconds"));
        }

        bool? success = null;
        switch (o["success"])
        {
            case null: break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False: success = v.GetValue<bool>(); break;
            default: return (null, EngineError.Invalid("invalid_success", $"{path}success must be true or false"));
        }

        string? error = null;
        switch (o["error"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue(out string? s): error = s.Length == 0 ? null : s; break;
            // Emitters often pass an error object ({name, message, stack}); keep it whole rather than reject it.
            case JsonObject eo: error = eo.ToJsonString(); break;
            default: return (null, EngineError.Invalid("invalid_error", $"{path}error must be a string or an object"));
        }
        if (error is { Length: > MaxErrorLength })
            return (null, EngineError.Invalid("invalid_error", $"{path}error is {error.Length} characters; the limit is {MaxErrorLength}"));

        JsonObject metadata;
        switch (o["metadata"])
        {
            case null: metadata = []; break;
            case JsonObject m: metadata = m; break;
            default: return (null, EngineError.Invalid("invalid_metadata", $"{path}metadata must be an object"));
        }
        var metadataJson = metadata.ToJsonString();
        if (metadataJson.Length > MaxMetadataLength)
            return (null, EngineError.Invalid("invalid_metadata", $"{path}metadata is {metadataJson.Length} characters serialized; the limit is {MaxMetadataLength}"));

        return (new TelemetryRecord(id ?? Ulid.NewUlid().ToString(), timestamp, 0, level, source!, component!, action!, duration, success, error,
            metadataJson, sessionId, systemId, Correlation(metadata, "runId"), Correlation(metadata, "eventId")), null);
    }

    private static (string?, EngineError?) Required(JsonObject o, string field, string path, int max)
    {
        if (o[field] is null) return (null, EngineError.Invalid("missing_" + field, $"{path}{field} is required"));
        if (o[field] is not JsonValue v || !v.TryGetValue(out string? s)) return (null, EngineError.Invalid("invalid_" + field, $"{path}{field} must be a string"));
        s = s.Trim();
        if (s.Length == 0) return (null, EngineError.Invalid("invalid_" + field, $"{path}{field} must not be empty"));
        if (s.Length > max) return (null, EngineError.Invalid("invalid_" + field, $"{path}{field} is {s.Length} characters; the limit is {max}"));
        return (s, null);
    }

    private static (string?, EngineError?) Optional(JsonObject o, string field, string path, int max)
    {
        switch (o[field])
        {
            case null: return (null, null);
            case JsonValue v when v.TryGetValue(out string? s):
                if (s.Length > max) return (null, EngineError.Invalid("invalid_" + field, $"{path}{field} is {s.Length} characters; the limit is {max}"));
                return (s.Length == 0 ? null : s, null);
            default: return (null, EngineError.Invalid("invalid_" + field, $"{path}{field} must be a string"));
        }
    }

    private static (long, EngineError?) Timestamp(JsonNode? node, string path, long now)
    {
        var invalid = EngineError.Invalid("invalid_timestamp", $"{path}timestamp must be an ISO-8601 time (e.g. 2025-01-31T12:00:00Z) or Unix milliseconds");
        switch (node)
        {
            case null: return (now, null);
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return v.TryGetValue(out double ms) && ms >= 0 && ms <= MaxUnixMs ? ((long)ms, null) : (0, invalid);
            case JsonValue v when v.TryGetValue(out string? s):
                s = s.Trim();
                if (s.Length > 0 && s.All(char.IsAsciiDigit))
                    return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l <= MaxUnixMs ? (l, null) : (0, invalid);
                if (!IsoTime().IsMatch(s)) return (0, invalid);
                return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
                    ? (at.ToUnixTimeMilliseconds(), null)
                    : (0, invalid);
            default: return (0, invalid);
        }
    }

    private static string? Correlation(JsonObject metadata, string key) =>
        metadata[key] is JsonValue v && v.TryGetValue(out string? s) && s.Length is > 0 and <= MaxIdLength ? s : null;

    // DateTimeOffset.TryParse alone would also take "1/2/2025" or "Tuesday"; the schema promises ISO-8601.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
