using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Engine.Model;

/// <summary>The flow-control facts fixed when a run starts, kept on the run so that every later decision (slots,
/// releasing a singleton key) reads the same values.</summary>
public sealed record RunFlow
{
    /// <summary>Concurrency slots the run needs while active.</summary>
    [JsonPropertyName("concurrency")] public IReadOnlyList<ConcurrencySlot> Concurrency { get; init; } = [];
    /// <summary>The singleton key the run holds (kv key), if any.</summary>
    [JsonPropertyName("singleton")] public string? Singleton { get; init; }
    /// <summary>The run continues as each pending step settles (its function's <c>parallelMode</c> is <c>race</c>).</summary>
    [JsonPropertyName("race")] public bool Race { get; init; }

    /// <summary>JSON text, or null when there is nothing to keep.</summary>
    public string? ToJson() => Concurrency.Count == 0 && Singleton is null && !Race ? null : JsonSerializer.Serialize(this);

    /// <summary>Reads the JSON kept on a run.</summary>
    public static RunFlow FromJson(string? json) => json is null ? new RunFlow() : JsonSerializer.Deserialize<RunFlow>(json) ?? new RunFlow();
}

/// <summary>One concurrency slot key (scope + function/app + key value) and its limit.</summary>
public sealed record ConcurrencySlot([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("limit")] int Limit);
