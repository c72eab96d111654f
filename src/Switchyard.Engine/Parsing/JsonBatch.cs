using System.Text.Json.Nodes;
using Switchyard.Engine.Errors;

namespace Switchyard.Engine.Parsing;

/// <summary>Reads a request body that is one JSON object or an array of them (the Event API and telemetry ingest
/// shape): the limits and errors of the batch are the same, only the per-item parser differs.</summary>
internal static class JsonBatch
{
    /// <summary>Parses <paramref name="body"/> into items with <paramref name="parseOne"/> (given the object and its
    /// path prefix, e.g. <c>[3].</c>); the first problem rejects the whole body.</summary>
    /// <param name="body">Raw request body.</param>
    /// <param name="maxItems">Most items an array may hold (413 above).</param>
    /// <param name="item">The item with its article, for messages: <c>an event</c>.</param>
    /// <param name="shape">What the body must be, for messages: <c>an event object or an array of events</c>.</param>
    /// <param name="parseOne">Parses and validates one object.</param>
    public static (IReadOnlyList<T>? Items, EngineError? Error) Parse<T>(
        ReadOnlySpan<byte> body, int maxItems, string item, string shape, Func<JsonObject, string, (T?, EngineError?)> parseOne)
    {
        if (JsonLimits.Problem(body) is { } problem) return (null, EngineError.Invalid("invalid_json", problem));
        var root = JsonLimits.ParseChecked(body);
        switch (root)
        {
            case JsonObject single:
            {
                var (one, error) = parseOne(single, "");
                return error is null ? ([one!], null) : (null, error);
            }
            case JsonArray array:
            {
                if (array.Count == 0) return (null, EngineError.Invalid("no_events", $"body is an empty array: send at least one {item[(item.IndexOf(' ', StringComparison.Ordinal) + 1)..]}"));
                if (array.Count > maxItems)
                    return (null, new EngineError(EngineErrorKind.TooLarge, "too_many_events", $"body has {array.Count} events; at most {maxItems} are accepted per request"));
                var list = new List<T>(array.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject o) return (null, EngineError.Invalid("invalid_event", $"[{i}] must be {item} object"));
                    var (one, error) = parseOne(o, $"[{i}].");
                    if (error is not null) return (null, error);
                    list.Add(one!);
                }
                return (list, null);
            }
            default:
                return (null, EngineError.Invalid("invalid_event", $"body must be {shape}"));
        }
    }
}
