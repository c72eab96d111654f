using Switchyard.Engine.Triggers;

namespace Switchyard.Engine.Model;

/// <summary>Outcomes of a trigger decision.</summary>
public static class DecisionOutcome
{
    /// <summary>A run was created.</summary>
    public const string Matched = "matched";
    /// <summary>The trigger's <c>if</c> expression was false (or failed to evaluate).</summary>
    public const string ExpressionFalse = "expression_false";
    /// <summary>The function is paused.</summary>
    public const string Paused = "paused";
    /// <summary>An earlier event with the same idempotency key started a run within 24 h.</summary>
    public const string SkippedIdempotency = "skipped_idempotency";
    /// <summary>Dropped by the rate limit.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>Absorbed by a debounce into a later run.</summary>
    public const string Debounced = "debounced";
    /// <summary>Added to a batch run.</summary>
    public const string Batched = "batched";
    /// <summary>Skipped because a singleton run holds the key.</summary>
    public const string SingletonSkipped = "singleton_skipped";
    /// <summary>This event cancelled a run (cancelOn, or a singleton in cancel mode).</summary>
    public const string Cancelled = "cancelled";
}
