namespace Switchyard.Engine.Queue;

/// <summary>Every queue-item id the engine makes, in one place. Applying the work of an item is guarded by removing it,
/// so ids are either fresh (calls and retries: applying twice is impossible) or deterministic where a second
/// enqueue must be a no-op or the item must be found again (planned steps, timers, debounce and batch windows).</summary>
public static class QueueItemIds
{
    /// <summary>A fresh id for a call or a retry of <paramref name="stepId"/>.</summary>
    public static string Fresh(string runId, string stepId) => $"{runId}:{stepId}:{Ulid.NewUlid()}";

    /// <summary>The first call (or the sleep) of a planned step: planning the same step twice is a no-op.</summary>
    public static string Planned(string runId, string hash) => $"{runId}:{hash}:plan";

    /// <summary>The timer that cancels a run not started within <c>timeouts.start</c>.</summary>
    public static string StartTimeout(string runId) => $"{runId}:timeout:start";

    /// <summary>The timer that cancels a run not finished within <c>timeouts.finish</c>.</summary>
    public static string FinishTimeout(string runId) => $"{runId}:timeout:finish";

    /// <summary>The timeout of a wait (event, invoke).</summary>
    public static string WaitTimeout(string waitId) => waitId + ":timeout";

    /// <summary>A debounce timer, one per absorbed event (the latest moves the run's start).</summary>
    public static string Debounce(string runId, long eventSeq) => $"debounce:{runId}:{eventSeq}";

    /// <summary>The timeout of a batch being collected.</summary>
    public static string Batch(string runId) => $"batch:{runId}";
}
