using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Functions;

/// <summary>A function as an app registers it (Inngest <c>FunctionConfig</c> shape). Flow-control blocks are kept
/// as given so that nothing an SDK sends is lost.</summary>
public sealed record FunctionConfig
{
    /// <summary>Default number of retries when none is configured.</summary>
    public const int DefaultRetries = 4;
    /// <summary>Upper bound on retries.</summary>
    public const int MaxRetries = 20;

    /// <summary>Composite id <c>&lt;appId&gt;-&lt;fnId&gt;</c>.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Human name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>Event and cron triggers.</summary>
    [JsonPropertyName("triggers")] public IReadOnlyList<TriggerConfig> Triggers { get; init; } = [];
    /// <summary>Always one entry keyed <c>step</c>.</summary>
    [JsonPropertyName("steps")] public IReadOnlyDictionary<string, StepConfig> Steps { get; init; } = new Dictionary<string, StepConfig>();
    /// <summary>Idempotency key expression.</summary>
    [JsonPropertyName("idempotency")] public string? Idempotency { get; init; }
    /// <summary>Concurrency: a number, an object or an array of objects.</summary>
    [JsonPropertyName("concurrency")] public JsonNode? Concurrency { get; init; }
    /// <summary>Batching.</summary>
    [JsonPropertyName("batchEvents")] public JsonObject? BatchEvents { get; init; }
    /// <summary>Rate limit.</summary>
    [JsonPropertyName("rateLimit")] public JsonObject? RateLimit { get; init; }
    /// <summary>Throttle.</summary>
    [JsonPropertyName("throttle")] public JsonObject? Throttle { get; init; }
    /// <summary>Singleton.</summary>
    [JsonPropertyName("singleton")] public JsonObject? Singleton { get; init; }
    /// <summary>Cancel-on-event rules.</summary>
    [JsonPropertyName("cancel")] public JsonArray? Cancel { get; init; }
    /// <summary>Debounce.</summary>
    [JsonPropertyName("debounce")] public JsonObject? Debounce { get; init; }
    /// <summary>Start/finish timeouts.</summary>
    [JsonPropertyName("timeouts")] public JsonObject? Timeouts { get; init; }
    /// <summary>Priority.</summary>
    [JsonPropertyName("priority")] public JsonObject? Priority { get; init; }
    /// <summary>When several steps are pending at once: <c>race</c> continues the run as each one settles (so code
    /// waiting on only some of them moves on), anything else (the default) once all have settled, which saves calls
    /// for <c>Promise.all</c>-style code. Switchyard's own field; Inngest apps never send it.</summary>
    [JsonPropertyName("parallelMode")] public string? ParallelMode { get; init; }

    /// <summary>The step entry holding the call URL and retries, if present.</summary>
    [JsonIgnore] public StepConfig? Step => Steps.TryGetValue("step", out var s) ? s : Steps.Values.FirstOrDefault();

    /// <summary>Max attempts = retries + 1, with the default and upper bound applied.</summary>
    [JsonIgnore] public int MaxAttempts => Math.Clamp(Step?.Retries?.Attempts ?? DefaultRetries, 0, MaxRetries) + 1;
}
