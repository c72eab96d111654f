using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Serialization;

/// <summary>Turns the app's values into JSON and back: event data (sent and received), step results, invoke data and
/// results, and function results. Set it with <see cref="SwitchyardOptions.Serializer"/>; the default is
/// <see cref="SystemTextJsonSerializer"/> with the web defaults (camelCase, case-insensitive reads). The wire is JSON,
/// so a serializer works on <see cref="JsonNode"/>s.</summary>
public interface ISwitchyardSerializer
{
    /// <summary>Serializes <paramref name="value"/>, of type <paramref name="type"/>, to JSON; null gives null.</summary>
    /// <param name="value">The value.</param>
    /// <param name="type">Its declared type (the runtime type for values typed <see cref="object"/>).</param>
    JsonNode? Serialize(object? value, Type type);

    /// <summary>Reads <paramref name="json"/> as <paramref name="type"/>.</summary>
    /// <param name="json">The JSON; null for a JSON null.</param>
    /// <param name="type">The type to read.</param>
    /// <exception cref="System.Text.Json.JsonException">The JSON does not fit the type.</exception>
    object? Deserialize(JsonNode? json, Type type);
}
