using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchyard.Protocol.Dags;

/// <summary>Templates in node config strings: <c>{{nodes.&lt;id&gt;.output}}</c>, with an optional JSON path
/// (<c>{{nodes.fetch.output.items[0].url}}</c>), and <c>{{input}}</c> / <c>{{input.path}}</c> for the data a
/// pipeline run was started with. A string that is one template alone takes the value itself (a number stays a
/// number); a template inside text is replaced by the value as text (strings bare, anything else as JSON). A path
/// into a string output reads the string as JSON, so a shell node that prints JSON can be navigated.</summary>
public static partial class DagTemplate
{
    /// <summary>A reference found in a template.</summary>
    /// <param name="Node">The node referred to; null for <c>input</c>.</param>
    /// <param name="Path">The JSON path after <c>output</c> / <c>input</c>, as segments (string keys, int indexes).</param>
    public sealed record Reference(string? Node, IReadOnlyList<object> Path);

    /// <summary>Every reference in <paramref name="config"/>'s strings; a malformed template is a problem message.</summary>
    public static IEnumerable<(Reference? Reference, string? Problem)> References(JsonNode? config)
    {
        foreach (var text in Strings(config))
            foreach (Match m in Pattern().Matches(text))
            {
                var parsed = Parse(m.Groups[1].Value.Trim(), out var problem);
                yield return (parsed, problem);
            }
    }

    /// <summary>A copy of <paramref name="config"/> with every template replaced.</summary>
    /// <param name="config">The node's config.</param>
    /// <param name="outputs">Outputs of finished nodes, by id.</param>
    /// <param name="input">The run's input data.</param>
    /// <exception cref="InvalidOperationException">A template names a node with no output yet, or is malformed.</exception>
    public static JsonObject Render(JsonObject config, IReadOnlyDictionary<string, JsonNode?> outputs, JsonNode? input) =>
        (JsonObject)RenderNode(config, outputs, input)!;

    private static JsonNode? RenderNode(JsonNode? node, IReadOnlyDictionary<string, JsonNode?> outputs, JsonNode? input)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o) copy[k] = RenderNode(v, outputs, input);
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(v => RenderNode(v, outputs, input)).ToArray());
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return RenderString(v.GetValue<string>(), outputs, input);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? RenderString(string text, IReadOnlyDictionary<string, JsonNode?> outputs, JsonNode? input)
    {
        var matches = Pattern().Matches(text);
        if (matches.Count == 0) return JsonValue.Create(text);
        if (matches.Count == 1 && matches[0].Index == 0 && matches[0].Length == text.Length)
            return Resolve(matches[0].Groups[1].Value, outputs, input)?.DeepClone();
        var result = new StringBuilder();
        var last = 0;
        foreach (Match m in matches)
        {
            result.Append(text, last, m.Index - last);
            result.Append(AsText(Resolve(m.Groups[1].Value, outputs, input)));
            last = m.Index + m.Length;
        }
        result.Append(text, last, text.Length - last);
        return JsonValue.Create(result.ToString());
    }

    /// <summary>A value as a shell or URL sees it: strings bare, null empty, anything else as JSON.</summary>
    public static string AsText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static JsonNode? Resolve(string expression, IReadOnlyDictionary<string, JsonNode?> outputs, JsonNode? input)
    {
        var reference = Parse(expression.Trim(), out var problem) ?? throw new InvalidOperationException(problem);
        JsonNode? value;
        if (reference.Node is null) value = input;
        else if (!outputs.TryGetValue(reference.Node, out value))
            throw new InvalidOperationException($"template {{{{{expression.Trim()}}}}}: node '{reference.Node}' has no output yet");
        foreach (var segment in reference.Path)
        {
            if (value is JsonValue s && s.GetValueKind() == JsonValueKind.String) value = TryParseJson(s.GetValue<string>());
            value = segment switch
            {
                string key when value is JsonObject o => o[key],
                int index when value is JsonArray a && index < a.Count => a[index],
                _ => null,
            };
        }
        return value;
    }

    private static JsonNode? TryParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Reference? Parse(string expression, out string? problem)
    {
        problem = null;
        string rest;
        string? node = null;
        if (expression == "input" || expression.StartsWith("input.", StringComparison.Ordinal) || expression.StartsWith("input[", StringComparison.Ordinal))
            rest = expression["input".Length..];
        else if (expression.StartsWith("nodes.", StringComparison.Ordinal))
        {
            var body = expression["nodes.".Length..];
            var at = OutputMarker().Match(body);
            if (!at.Success || at.Index == 0)
            {
                problem = $"template {{{{{expression}}}}} must be nodes.<id>.output[.path]";
                return null;
            }
            node = body[..at.Index];
            rest = body[(at.Index + ".output".Length)..];
        }
        else
        {
            problem = $"template {{{{{expression}}}}} must start with nodes.<id>.output or input";
            return null;
        }
        var path = new List<object>();
        foreach (Match m in PathSegment().Matches(rest))
        {
            if (m.Groups["key"].Success) path.Add(m.Groups["key"].Value);
            else path.Add(int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture));
        }
        if (PathSegment().Replace(rest, "").Length > 0)
        {
            problem = $"template {{{{{expression}}}}} has a malformed path (use .key and [index])";
            return null;
        }
        return new Reference(node, path);
    }

    private static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, v) in o)
                    foreach (var s in Strings(v)) yield return s;
                break;
            case JsonArray a:
                foreach (var v in a)
                    foreach (var s in Strings(v)) yield return s;
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                yield return v.GetValue<string>();
                break;
        }
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\.output(?=$|[.\[])")]
    private static partial Regex OutputMarker();

    [GeneratedRegex(@"\.(?<key>[A-Za-z0-9_\-]+)|\[(?<index>[0-9]{1,6})\]")]
    private static partial Regex PathSegment();
}
