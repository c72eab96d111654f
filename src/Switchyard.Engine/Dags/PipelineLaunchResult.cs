namespace Switchyard.Engine.Dags;

/// <summary>The answer to a <see cref="PipelineLaunchRequest"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="RunId">The DAG run started (or found, for a duplicate); null when none.</param>
/// <param name="EventId">The id of the stored request event (<c>switchyard/pipeline.requested</c>), which carries the
/// decision that <c>yard why</c> shows.</param>
/// <param name="Reason">Why, in words (the decision's reason).</param>
public sealed record PipelineLaunchResult(PipelineLaunchOutcome Outcome, string? RunId, string? EventId, string Reason);
