using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk.Execution;

/// <summary>What a function run sees of one call, before its events are typed.</summary>
internal sealed record RunInfo(
    JsonObject Event,
    IReadOnlyList<JsonNode?> Events,
    string RunId,
    int Attempt,
    StepTools Step,
    ILogger Logger,
    ISwitchyardSerializer Serializer,
    CancellationToken CancellationToken);
