using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Engine.Model;

/// <summary>Writes an engine enum as its wire name in JSON (history details, API views, internal events), never as a
/// number, and reads it back.</summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class WireEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WireNames.TryParse<T>(reader.GetString(), out var value) ? value : throw new JsonException($"not a {typeof(T).Name}: {reader.GetString()}");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToWire());
}
