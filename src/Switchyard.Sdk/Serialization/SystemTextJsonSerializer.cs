using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Sdk.Serialization;

/// <summary>The default <see cref="ISwitchyardSerializer"/>: System.Text.Json. Give it a source-generated
/// <see cref="JsonSerializerContext"/> to serialize without reflection (trimming, native AOT): types the context does
/// not know then fail with a <see cref="NotSupportedException"/> that names them, instead of falling back to
/// reflection.</summary>
public sealed class SystemTextJsonSerializer : ISwitchyardSerializer
{
    /// <summary>A serializer with <see cref="JsonSerializerOptions.Web"/> (camelCase, case-insensitive reads).</summary>
    public SystemTextJsonSerializer()
        : this(JsonSerializerOptions.Web)
    {
    }

    /// <summary>A serializer with the given options.</summary>
    /// <param name="options">The options; made read-only.</param>
    public SystemTextJsonSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MakeReadOnly(populateMissingResolver: true);
        Options = options;
    }

    /// <summary>A serializer that uses a source-generated context, with the context's own options (set them with
    /// <c>[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]</c> to keep the SDK's web defaults).</summary>
    /// <param name="context">The source-generated context, e.g. <c>AppJsonContext.Default</c>.</param>
    public SystemTextJsonSerializer(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Options = context.Options;
    }

    /// <summary>The options in use.</summary>
    public JsonSerializerOptions Options { get; }

    /// <inheritdoc />
    public JsonNode? Serialize(object? value, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        // Raw JSON passes through whatever the options: a source-generated context need not list JsonNode types.
        if (value is JsonNode node) return node.DeepClone();
        return value is null ? null : JsonSerializer.SerializeToNode(value, Options.GetTypeInfo(type));
    }

    /// <inheritdoc />
    public object? Deserialize(JsonNode? json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (json is not null && typeof(JsonNode).IsAssignableFrom(type) && type.IsInstanceOfType(json)) return json.DeepClone();
        return json is null ? null : json.Deserialize(Options.GetTypeInfo(type));
    }
}
