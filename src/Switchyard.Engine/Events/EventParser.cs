using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Parsing;
using Switchyard.Configuration;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Events;

/// <summary>Parses an Event API body (one event object or an array of them) and validates every field. Any error
/// rejects the whole request, so nothing of a bad request is stored.</summary>
public static class EventParser
{
    /// <summary>Parses <paramref name="body"/>; returns the events or the first problem found.</summary>
    public static (IReadOnlyList<IncomingEvent>? Events, EngineError? Error) Parse(ReadOnlySpan<byte> body, int maxEvents) =>
        JsonBatch.Parse<IncomingEvent>(body, maxEvents, "an event", "an event object or an array of events", ParseOne);

    private static (IncomingEvent?, EngineError?) ParseOne(JsonObject o, string path)
    {
        if (!o.TryGetPropertyValue("name", out var nameNode) || nameNode is null)
            return (null, EngineError.Invalid("missing_name", $"{path}name is required"));
        if (nameNode is not JsonValue nv || !nv.TryGetValue(out string? name))
            return (null, EngineError.Invalid("invalid_name", $"{path}name must be a string"));
        if (string.IsNullOrWhiteSpace(name))
            return (null, EngineError.Invalid("invalid_name", $"{path}name must not be empty"));
        if (name.Length > ServerOptions.MaxEventNameLength)
            return (null, EngineError.Invalid("invalid_name", $"{path}name is {name.Length} characters; the limit is {ServerOptions.MaxEventNameLength}"));
        if (name.Any(char.IsControl))
            return (null, EngineError.Invalid("invalid_name", $"{path}name must not contain control characters (NUL, newline, …)"));

        JsonObject data;
        switch (o["data"])
        {
            case null: data = []; break;
            // Detached rather than cloned (the request's document is ours alone): a copy per event showed in the profile.
            case JsonObject d: o.Remove("data"); data = d; break;
            default: return (null, EngineError.Invalid("invalid_data", $"{path}data must be an object"));
        }

        string? id = null;
        switch (o["id"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue(out string? s): id = string.IsNullOrEmpty(s) ? null : s; break;
            default: return (null, EngineError.Invalid("invalid_id", $"{path}id must be a string"));
        }
        if (id is { Length: > ServerOptions.MaxEventNameLength })
            return (null, EngineError.Invalid("invalid_id", $"{path}id is {id.Length} characters; the limit is {ServerOptions.MaxEventNameLength}"));
        // Ids end up in URLs, logs and file names of exports; a NUL or newline there breaks them or forges lines.
        if (id is not null && id.Any(char.IsControl))
            return (null, EngineError.Invalid("invalid_id", $"{path}id must not contain control characters (NUL, newline, …)"));

        long? ts = null;
        switch (o["ts"])
        {
            case null: break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) && l >= 0: ts = l == 0 ? null : l; break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double dbl) && dbl >= 0 && dbl < 1e16: ts = (long)dbl; break;
            default: return (null, EngineError.Invalid("invalid_ts", $"{path}ts must be a non-negative number of Unix milliseconds"));
        }

        JsonObject? user = null;
        switch (o["user"])
        {
            case null: break;
            case JsonObject u: o.Remove("user"); user = u; break;
            default: return (null, EngineError.Invalid("invalid_user", $"{path}user must be an object"));
        }

        string? version = null;
        switch (o["v"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue(out string? s): version = s; break;
            default: return (null, EngineError.Invalid("invalid_v", $"{path}v must be a string"));
        }
        return (new IncomingEvent(name, data, id, ts, user, version), null);
    }
}
