using System.Text.Json.Nodes;
using Tomlyn.Model;

namespace Switchyard.Configuration;

/// <summary>TOML values as JSON, so that a document written in TOML (a pipeline, a DAG file) goes through the same
/// parser as one written in JSON. Keys are kept exactly as written; dates become ISO-8601 strings.</summary>
public static class TomlJson
{
    /// <summary>Converts a TOML value (table, array, scalar).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        TomlTable table => new JsonObject(table.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        TomlTableArray tables => new JsonArray(tables.Select(t => ToJson(t)).ToArray()),
        TomlArray array => new JsonArray(array.Select(ToJson).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        DateTimeOffset dto => JsonValue.Create(dto.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        DateTime dt => JsonValue.Create(dt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>Parses TOML text into a JSON object; malformed text is an <see cref="InvalidDataException"/> naming
    /// <paramref name="where"/>.</summary>
    public static JsonObject Parse(string toml, string where) => (JsonObject)ToJson(TomlConfigurationSource.Parse(toml, where))!;
}
