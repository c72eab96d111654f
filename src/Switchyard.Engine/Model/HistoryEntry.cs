namespace Switchyard.Engine.Model;

/// <summary>One entry of a run's history: what happened, when, for which step and attempt. The history is the
/// single source of truth for <c>yard run</c>, <c>yard why</c> and <c>yard trace</c>.</summary>
/// <param name="Seq">Store order.</param>
/// <param name="RunId">Run.</param>
/// <param name="At">Unix ms.</param>
/// <param name="Kind">See <see cref="HistoryKind"/>.</param>
/// <param name="StepHash">Hashed step id, when about a step.</param>
/// <param name="StepName">The user's step id.</param>
/// <param name="Op">Op code, when about an op.</param>
/// <param name="Attempt">0-based attempt.</param>
/// <param name="DurationMs">How long the step or call took.</param>
/// <param name="Detail">JSON detail: output, error, wake time, event name...</param>
public sealed record HistoryEntry(long Seq, string RunId, long At, HistoryKind Kind, string? StepHash, string? StepName, string? Op, int Attempt, double? DurationMs, string? Detail);
