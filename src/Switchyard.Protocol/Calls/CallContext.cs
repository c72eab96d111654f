using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Calls;

/// <summary>The <c>ctx</c> of a call request.</summary>
public sealed record CallContext
{
    /// <summary>Run id.</summary>
    [JsonPropertyName("run_id")] public string RunId { get; init; } = "";
    /// <summary>0-based attempt of this call.</summary>
    [JsonPropertyName("attempt")] public int Attempt { get; init; }
    /// <summary>Retries + 1; the SDK marks the attempt <c>max_attempts - 1</c> as final.</summary>
    [JsonPropertyName("max_attempts")] public int MaxAttempts { get; init; } = FunctionsDefaults.MaxAttempts;
    /// <summary>When true the SDK must report steps as planned instead of running one inline (parallel mode).</summary>
    [JsonPropertyName("disable_immediate_execution")] public bool DisableImmediateExecution { get; init; }
    /// <summary>Always false: the server sends all state in the body.</summary>
    [JsonPropertyName("use_api")] public bool UseApi { get; init; }
    /// <summary>Completion order of memoized steps.</summary>
    [JsonPropertyName("stack")] public StackInfo Stack { get; init; } = new();
    /// <summary>The step id this call is for (<c>step</c> or a hash); informational.</summary>
    [JsonPropertyName("step_id")] public string? StepId { get; init; }
    /// <summary>The function's id on the server. A v4 Inngest SDK that receives it (and <see cref="QueueItemId"/>) runs
    /// consecutive steps in one call and posts each to <c>/v1/checkpoint/{runId}/async</c>; absent, it runs one step
    /// per call.</summary>
    [JsonPropertyName("fn_id")] public string? FunctionId { get; init; }
    /// <summary>The queue item this call is made for; a checkpoint names it, and is stale once the item is gone.</summary>
    [JsonPropertyName("qi_id")] public string? QueueItemId { get; init; }
}

/// <summary>The memoized-step stack.</summary>
public sealed record StackInfo
{
    /// <summary>Hashed step ids in completion order.</summary>
    [JsonPropertyName("stack")] public IReadOnlyList<string> Stack { get; init; } = [];
    /// <summary>Number of entries.</summary>
    [JsonPropertyName("current")] public int Current { get; init; }
}

internal static class FunctionsDefaults
{
    public const int MaxAttempts = Functions.FunctionConfig.DefaultRetries + 1;
}
