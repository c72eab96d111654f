using Switchyard.Engine.Model;

namespace Switchyard.Engine.Triggers;

/// <summary>The matcher's verdict for one candidate function, computed before the event's transaction.</summary>
public sealed record TriggerMatch(FunctionRecord Function, DecisionOutcome Outcome, string Reason)
{
    /// <summary>True when a run should be created.</summary>
    public bool Matched => Outcome == DecisionOutcome.Matched;
}
