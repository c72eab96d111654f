using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Functions;

/// <summary>The single <c>steps.step</c> entry of a function config: where and how to call it.</summary>
public sealed record StepConfig
{
    /// <summary>Always <c>step</c>.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "step";
    /// <summary>Always <c>step</c>.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "step";
    /// <summary>Where the function is served.</summary>
    [JsonPropertyName("runtime")] public StepRuntime Runtime { get; init; } = new();
    /// <summary>Retry policy; <c>attempts</c> is the number of retries.</summary>
    [JsonPropertyName("retries")] public RetryConfig? Retries { get; init; }
}

/// <summary>Transport of a step: an HTTP URL including <c>fnId</c> and <c>stepId</c> query values.</summary>
public sealed record StepRuntime
{
    /// <summary>Runtime type; only <c>http</c> is used.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "http";
    /// <summary>Call URL.</summary>
    [JsonPropertyName("url")] public string Url { get; init; } = "";
}

/// <summary>Retry policy. Despite the name, <see cref="Attempts"/> counts retries (max attempts = retries + 1).</summary>
public sealed record RetryConfig
{
    /// <summary>Number of retries after the first attempt.</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
}
