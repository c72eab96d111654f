using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchyard.Engine.Insight;

/// <summary>Finds the <c>event.…</c> field paths an expression reads and their values in an event, so an
/// explanation can show why a condition was false.</summary>
public static partial class ExpressionValues
{
    [GeneratedRegex(@"\bevent(?:\.[A-Za-z_][A-Za-z0-9_]*)+")]
    private static partial Regex EventPath();

    /// <summary>Each path read by <paramref name="expression"/> with its value in <paramref name="eventJson"/>
    /// (<c>&lt;missing&gt;</c> when absent).</summary>
    public static JsonObject Read(string expression, JsonObject eventJson)
    {
        var values = new JsonObject();
        foreach (var path in EventPath().Matches(expression).Select(m => m.Value).Distinct())
        {
            JsonNode? node = eventJson;
            var found = true;
            foreach (var part in path.Split('.').Skip(1))
            {
                if (node is JsonObject o && o.TryGetPropertyValue(part, out var next)) node = next;
                else { found = false; break; }
            }
            values[path] = found ? node?.DeepClone() : JsonValue.Create("<missing>");
        }
        return values;
    }
}
