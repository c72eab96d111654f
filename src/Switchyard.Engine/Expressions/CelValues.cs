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
            JsonValueKind.Number => Number(v),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A JSON number as CEL wants it: <c>long</c> when integral, else <c>double</c>. Values parsed from text
    /// convert directly; values built in memory (an <c>int</c> or <c>decimal</c> node) go through their JSON text.</summary>
    private static object Number(JsonValue v)
    {
        if (v.TryGetValue(out long l)) return l;
        if (v.TryGetValue(out double d)) return d;
        var text = v.ToJsonString();
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out l)
            ? l
            : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Converts a JSON text.</summary>
    public static object? Parse(string json) => From(JsonNode.Parse(json));
}
