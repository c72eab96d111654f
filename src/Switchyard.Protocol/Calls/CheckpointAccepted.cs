using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Calls;

/// <summary>The answer to an accepted <c>POST /v1/checkpoint/{runId}/async</c>: the SDK reads only the 200 status, so
/// the body repeats it.</summary>
/// <param name="Status">Always 200.</param>
public sealed record CheckpointAccepted([property: JsonPropertyName("status")] int Status);
