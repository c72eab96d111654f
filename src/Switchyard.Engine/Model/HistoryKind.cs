namespace Switchyard.Engine.Model;

/// <summary>Kinds of history entries.</summary>
public static class HistoryKind
{
    /// <summary>Run created by a matched event (or invoke).</summary>
    public const string RunScheduled = "run.scheduled";
    /// <summary>First call made.</summary>
    public const string RunStarted = "run.started";
    /// <summary>Run returned.</summary>
    public const string RunCompleted = "run.completed";
    /// <summary>Run failed for good.</summary>
    public const string RunFailed = "run.failed";
    /// <summary>Run cancelled.</summary>
    public const string RunCancelled = "run.cancelled";
    /// <summary>A call to the app was answered (or failed in transport).</summary>
    public const string Call = "call";
    /// <summary>A step returned a result.</summary>
    public const string StepCompleted = "step.completed";
    /// <summary>A step threw and will be retried.</summary>
    public const string StepErrored = "step.errored";
    /// <summary>A step failed for good.</summary>
    public const string StepFailed = "step.failed";
    /// <summary>A parallel step was planned.</summary>
    public const string StepPlanned = "step.planned";
    /// <summary>A sleep started.</summary>
    public const string SleepStarted = "sleep.started";
    /// <summary>A sleep ended.</summary>
    public const string SleepEnded = "sleep.ended";
    /// <summary>A waitForEvent started.</summary>
    public const string WaitStarted = "wait.started";
    /// <summary>A waitForEvent was resolved by an event.</summary>
    public const string WaitResolved = "wait.resolved";
    /// <summary>A waitForEvent timed out.</summary>
    public const string WaitTimedOut = "wait.timed_out";
    /// <summary>An invoke started a child run.</summary>
    public const string InvokeStarted = "invoke.started";
    /// <summary>An invoked child finished.</summary>
    public const string InvokeFinished = "invoke.finished";
    /// <summary>A call waits for a concurrency slot (detail: the key and its limit).</summary>
    public const string ConcurrencyWaiting = "concurrency.waiting";
    /// <summary>A call will be retried after a delay.</summary>
    public const string RetryScheduled = "retry.scheduled";

    /// <summary>True for the kinds that end a run.</summary>
    public static bool IsRunEnd(string kind) => kind is RunCompleted or RunFailed or RunCancelled;
}
