using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Engine.Expressions;

/// <summary>Turns JSON into the plain CLR values the CEL evaluator reads: objects become dictionaries, arrays
/// lists, integers <see cref="long"/> and other numbers <see cref="double"/>.</summary>
public static class CelValues
{
    /// <summary>Converts a JSON node.</summary>
    public static object? From(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => From(p.Value)),
        JsonArray a => a.Select(From).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue(out long l) ? l : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Converts a JSON text.</summary>
    public static object? Parse(string json) => From(JsonNode.Parse(json));
}
