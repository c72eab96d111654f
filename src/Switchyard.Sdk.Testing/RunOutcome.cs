using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Testing;

/// <summary>How a run driven by <see cref="RunDriver"/> ended, in wire form.</summary>
internal sealed record RunOutcome(string RunId, TestRunStatus Status, JsonNode? Result, JsonNode? Error, int Calls,
    IReadOnlyDictionary<string, int> StepAttempts, TimeSpan Elapsed);
