using Switchyard.Engine.Model;

namespace Switchyard.Engine.FlowControl;

/// <summary>What flow control decided for a matched event: the decision outcome, why, and the run involved.</summary>
public sealed record AdmissionResult(DecisionOutcome Outcome, string Reason, string? RunId);
