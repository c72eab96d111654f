namespace Switchyard.Engine.Model;

/// <summary>How a run is started beyond its function and event.</summary>
/// <param name="RunId">A run id allocated earlier (debounce and batch promise one before the run exists).</param>
/// <param name="ParentRunId">Invoking run.</param>
/// <param name="ParentStep">Invoking step.</param>
/// <param name="Batch">All events of a batched run, in store order.</param>
/// <param name="DueAt">When the first call may happen (throttle delays it; priority moves it earlier), Unix ms.</param>
/// <param name="Flow">Concurrency slots and singleton key.</param>
public sealed record StartOptions(
    string? RunId = null, string? ParentRunId = null, string? ParentStep = null, IReadOnlyList<long>? Batch = null,
    long? DueAt = null, RunFlow? Flow = null);
