namespace Switchyard.Engine.Model;

/// <summary>Outcomes of a trigger decision.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<DecisionOutcome>))]
public enum DecisionOutcome
{
    /// <summary>A run was created.</summary>
    [WireName("matched")]
    Matched,
    /// <summary>The trigger's <c>if</c> expression was false (or failed to evaluate).</summary>
    [WireName("expression_false")]
    ExpressionFalse,
    /// <summary>The function is paused.</summary>
    [WireName("paused")]
    Paused,
    /// <summary>An earlier event with the same idempotency key started a run within 24 h.</summary>
    [WireName("skipped_idempotency")]
    SkippedIdempotency,
    /// <summary>Dropped by the rate limit.</summary>
    [WireName("rate_limited")]
    RateLimited,
    /// <summary>Absorbed by a debounce into a later run.</summary>
    [WireName("debounced")]
    Debounced,
    /// <summary>Added to a batch run.</summary>
    [WireName("batched")]
    Batched,
    /// <summary>Skipped because a singleton run holds the key.</summary>
    [WireName("singleton_skipped")]
    SingletonSkipped,
    /// <summary>This event cancelled a run (cancelOn, or a singleton in cancel mode).</summary>
    [WireName("cancelled")]
    Cancelled,
    /// <summary>A pipeline tick or trigger skipped because the pipeline's last run is still going
    /// (<c>concurrency = "forbid"</c>).</summary>
    [WireName("pipeline_busy")]
    PipelineBusy,
    /// <summary>Not started: the function that would run it is not registered (e.g. no worker serves DAG runs).</summary>
    [WireName("unavailable")]
    Unavailable,
}
