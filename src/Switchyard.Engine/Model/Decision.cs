namespace Switchyard.Engine.Model;

/// <summary>What the engine decided for one event × function, so that "why did (or didn't) it run?" always has an
/// answer.</summary>
/// <param name="EventId">Event.</param>
/// <param name="EventSeq">Store order of the event.</param>
/// <param name="FunctionId">Candidate function (its trigger name matched).</param>
/// <param name="Outcome">See <see cref="DecisionOutcome"/>.</param>
/// <param name="Reason">Human explanation.</param>
/// <param name="RunId">Run created, when matched.</param>
/// <param name="At">Unix ms.</param>
public sealed record Decision(string EventId, long EventSeq, string FunctionId, DecisionOutcome Outcome, string Reason, string? RunId, long At);
