namespace Switchyard.Engine.Expressions;

/// <summary>Outcome of a condition: whether it held, and the evaluation error when it could not be evaluated.</summary>
public readonly record struct ConditionResult(bool Matched, string? Error);
