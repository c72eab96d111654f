using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol;

/// <summary>The JSON settings every wire contract in this assembly is written and read with.</summary>
public static class ProtocolJson
{
    /// <summary>Options for wire contracts: explicit property names, nulls omitted, lenient number reading.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Apps written in JS send extra fields on ops; unknown members must never break parsing.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
