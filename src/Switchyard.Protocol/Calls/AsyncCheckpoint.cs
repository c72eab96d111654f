using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Calls;

/// <summary>The body of <c>POST /v1/checkpoint/{runId}/async</c>: steps a v4 Inngest SDK ran inside a call that is
/// still in flight. Other fields the SDK sends (request id, timestamps) are not needed and are ignored.</summary>
public sealed record AsyncCheckpoint
{
    /// <summary>Run id; must match the path.</summary>
    [JsonPropertyName("run_id")] public string? RunId { get; init; }
    /// <summary>The <c>ctx.fn_id</c> the call carried.</summary>
    [JsonPropertyName("fn_id")] public string? FunctionId { get; init; }
    /// <summary>The <c>ctx.qi_id</c> the call carried: the queue item whose call ran the steps.</summary>
    [JsonPropertyName("qi_id")] public string? QueueItemId { get; init; }
    /// <summary>The ops: <c>StepRun</c> results to store; <c>StepPlanned</c> and defers are informational.</summary>
    [JsonPropertyName("steps")] public IReadOnlyList<Op>? Steps { get; init; }
}
