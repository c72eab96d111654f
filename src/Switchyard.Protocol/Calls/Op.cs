using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Calls;

/// <summary>One element of a 206 response: what a function did or wants next.</summary>
public sealed record Op
{
    /// <summary>Hashed step id.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Op code, see <see cref="OpCode"/>.</summary>
    [JsonPropertyName("op")] public string Code { get; init; } = "";
    /// <summary>Legacy name; carries the sleep duration and the awaited event name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>Name for display (the user's step id).</summary>
    [JsonPropertyName("displayName")] public string? DisplayName { get; init; }
    /// <summary>Op options.</summary>
    [JsonPropertyName("opts")] public JsonObject? Opts { get; init; }
    /// <summary>Step result.</summary>
    [JsonPropertyName("data")] public JsonNode? Data { get; init; }
    /// <summary>Serialized error.</summary>
    [JsonPropertyName("error")] public JsonNode? Error { get; init; }
    /// <summary>The user's step id and repeat index.</summary>
    [JsonPropertyName("userland")] public UserlandId? Userland { get; init; }
    /// <summary>Start (epoch ns) and duration (ns) of the step.</summary>
    [JsonPropertyName("timing")] public JsonObject? Timing { get; init; }

    /// <summary>Reads a string option.</summary>
    public string? Opt(string key) => Opts?[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>The step's display name: <c>displayName</c>, else the user id, else <c>name</c>.</summary>
    [JsonIgnore] public string Label => DisplayName ?? Userland?.Id ?? Name ?? Id;
}

/// <summary>The user's step id and its repeat index (the k-th repeat is hashed as <c>id:k</c>).</summary>
public sealed record UserlandId
{
    /// <summary>The user's step id.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Repeat index, absent for the first occurrence.</summary>
    [JsonPropertyName("index")] public int? Index { get; init; }
}
