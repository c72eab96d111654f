using System.Text.Json.Nodes;
using Switchyard.Protocol.Calls;

namespace Switchyard.Engine.Execution;

/// <summary>What a call to an app came back with, already classified.</summary>
public abstract record CallOutcome(int Status, double DurationMs)
{
    /// <summary>200: the function returned <see cref="Result"/>.</summary>
    public sealed record Completed(int Status, double DurationMs, JsonNode? Result) : CallOutcome(Status, DurationMs);

    /// <summary>206: ops to apply.</summary>
    public sealed record Ops(int Status, double DurationMs, IReadOnlyList<Op> Items, bool NoRetry, TimeSpan? RetryAfter, int? Version) : CallOutcome(Status, DurationMs);

    /// <summary>A function-level error, a non-SDK answer, or a transport failure.</summary>
    public sealed record Failed(int Status, double DurationMs, JsonNode Error, bool NoRetry, TimeSpan? RetryAfter) : CallOutcome(Status, DurationMs);
}
