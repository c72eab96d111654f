namespace Switchyard.Server.Triggers;

/// <summary>Outcomes of a trigger decision.</summary>
public static class DecisionOutcome
{
    /// <summary>A run was created.</summary>
    public const string Matched = "matched";
    /// <summary>The trigger's <c>if</c> expression was false (or failed to evaluate).</summary>
    public const string ExpressionFalse = "expression_false";
    /// <summary>The function is paused.</summary>
    public const string Paused = "paused";
}
