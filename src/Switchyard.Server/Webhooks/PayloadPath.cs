using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Webhooks;

/// <summary>Dotted paths into a JSON payload (<c>workflow_run.conclusion</c>, <c>items.0.id</c>) and templates over
/// them (<c>deploy.{type}</c>, <c>{header:X-Event}</c>), for event names, delivery ids and subscription filters.</summary>
public static class PayloadPath
{
    /// <summary>The node at <paramref name="path"/>, or null.</summary>
    public static JsonNode? Select(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>A scalar's text (strings unquoted, numbers and booleans as written), or null for objects, arrays
    /// and nulls.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>Fills <c>{path}</c> placeholders from <paramref name="payload"/> and <c>{header:Name}</c> from
    /// <paramref name="request"/>. Returns null and names the placeholder in <paramref name="missing"/> when one has
    /// no scalar value.</summary>
    public static string? Render(string template, JsonNode payload, WebhookRequest request, out string? missing)
    {
        missing = null;
        var result = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { result.Append(template, i, template.Length - i); break; }
            var close = template.IndexOf('}', open + 1);
            if (close < 0) { result.Append(template, i, template.Length - i); break; }
            result.Append(template, i, open - i);
            var key = template[(open + 1)..close].Trim();
            var value = key.StartsWith("header:", StringComparison.OrdinalIgnoreCase)
                ? request.Header(key["header:".Length..].Trim())
                : Text(Select(payload, key));
            if (string.IsNullOrEmpty(value))
            {
                missing = key;
                return null;
            }
            result.Append(value);
            i = close + 1;
        }
        return result.ToString();
    }
}
