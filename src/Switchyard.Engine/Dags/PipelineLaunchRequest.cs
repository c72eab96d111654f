using System.Text.Json.Nodes;

namespace Switchyard.Engine.Dags;

/// <summary>A request to run a pipeline.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Input">Data for the run (templates read it as <c>{{input...}}</c>); null for none.</param>
/// <param name="RequestId">Idempotency key: the same id within the dedup window answers with the first run.</param>
/// <param name="Source">Who asked, for the decision record: <c>schedule</c>, <c>api</c>, <c>queue:FAMILY</c>.</param>
public sealed record PipelineLaunchRequest(string Pipeline, JsonNode? Input, string RequestId, string Source);
