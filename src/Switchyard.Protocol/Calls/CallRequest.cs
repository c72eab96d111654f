using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Calls;

/// <summary>Body the server POSTs to an app to run (or continue) a function.</summary>
public sealed record CallRequest
{
    /// <summary>The triggering event (first of <see cref="Events"/>).</summary>
    [JsonPropertyName("event")] public JsonObject Event { get; init; } = [];
    /// <summary>All events of the run (more than one for batches).</summary>
    [JsonPropertyName("events")] public JsonArray Events { get; init; } = [];
    /// <summary>Memoized step values keyed by hashed step id.</summary>
    [JsonPropertyName("steps")] public JsonObject Steps { get; init; } = [];
    /// <summary>Run context.</summary>
    [JsonPropertyName("ctx")] public CallContext Ctx { get; init; } = new();
    /// <summary>-1 on a run's first call, then the version the SDK answered with. Never 0.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = -1;
    /// <summary>Deprecated top-level copy of <see cref="CallContext.UseApi"/>.</summary>
    [JsonPropertyName("use_api")] public bool UseApi { get; init; }
}
