using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Engine.Parsing;

/// <summary>The one JSON limit every write path enforces (Event API, telemetry, kv, registration, app answers) and the
/// tolerant reading every view uses, so a read path never fails on data a write path accepted.</summary>
public static class JsonLimits
{
    /// <summary>Deepest nesting a written JSON document may have, counting the outermost object or array as 1.
    /// Half of System.Text.Json's default of 64, so a stored value still fits inside any answer envelope.</summary>
    public const int MaxDepth = 32;

    /// <summary>Writer depth of API answers: a trace nests stored values (each at most <see cref="MaxDepth"/>) inside
    /// its own tree, so answers need more room than the default 64.</summary>
    public const int AnswerMaxDepth = 512;

    /// <summary>What is wrong with <paramref name="json"/> as a written document, naming the field: not JSON, nested
    /// deeper than <see cref="MaxDepth"/>, an object with a repeated key, or a string that is not valid UTF-8 / has a
    /// lone surrogate. Null when it is fine. Checked up front because System.Text.Json reports the last three lazily
    /// (as exceptions other than <see cref="JsonException"/>), long after the body was accepted.</summary>
    public static string? Problem(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var keys = new Stack<HashSet<string>?>();
        var field = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= MaxDepth)
                            return $"{Where(field)}is nested deeper than {MaxDepth} levels (the limit of every JSON body)";
                        keys.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        keys.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader, field);
                        if (name.Problem is not null) return name.Problem;
                        field = name.Value!;
                        if (keys.Peek() is { } seen && !seen.Add(field)) return $"{Where(field)}occurs twice in one object (duplicate key)";
                        break;
                    case JsonTokenType.String:
                        var value = Text(ref reader, field);
                        if (value.Problem is not null) return value.Problem;
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return $"body is not valid JSON: {ex.Message}";
        }
        return null;
    }

    /// <summary><see cref="Problem(ReadOnlySpan{byte})"/> for text already decoded.</summary>
    public static string? Problem(string json) => Problem(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Parses a document <see cref="Problem(ReadOnlySpan{byte})"/> found fine (throws <see cref="JsonException"/> otherwise).</summary>
    public static JsonNode? ParseChecked(ReadOnlySpan<byte> json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });

    /// <summary>Parses stored JSON for a view, never throwing: text that is not JSON becomes a string, and a value
    /// deeper than <see cref="MaxDepth"/> (stored before the limit existed) a string saying so, so one bad row cannot
    /// break a listing.</summary>
    public static JsonNode? ParseStored(string? text)
    {
        if (text is null) return null;
        if (Problem(text) is { } problem)
        {
            try
            {
                // Valid JSON that is only too deep is summarised rather than shown as its raw text, which is as deep.
                JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4096 }).Dispose();
                return JsonValue.Create($"(not shown: {problem})");
            }
            catch (JsonException)
            {
                return JsonValue.Create(text);
            }
        }
        return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
    }

    private static string Where(string field) => field.Length == 0 ? "body " : $"field '{field}' ";

    private static (string? Value, string? Problem) Text(ref Utf8JsonReader reader, string field)
    {
        try
        {
            return (reader.GetString(), null);
        }
        catch (InvalidOperationException)
        {
            return (null, $"{Where(field)}has a string that is not valid UTF-8 or holds a lone surrogate");
        }
    }
}
