namespace Switchyard.Engine.Model;

/// <summary>Kinds of history entries.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<HistoryKind>))]
public enum HistoryKind
{
    /// <summary>Run created by a matched event (or invoke).</summary>
    [WireName("run.scheduled")]
    RunScheduled,
    /// <summary>First call made.</summary>
    [WireName("run.started")]
    RunStarted,
    /// <summary>Run returned.</summary>
    [WireName("run.completed")]
    RunCompleted,
    /// <summary>Run failed for good.</summary>
    [WireName("run.failed")]
    RunFailed,
    /// <summary>Run cancelled.</summary>
    [WireName("run.cancelled")]
    RunCancelled,
    /// <summary>A call to the app was answered (or failed in transport).</summary>
    [WireName("call")]
    Call,
    /// <summary>A step returned a result.</summary>
    [WireName("step.completed")]
    StepCompleted,
    /// <summary>A step threw and will be retried.</summary>
    [WireName("step.errored")]
    StepErrored,
    /// <summary>A step failed for good.</summary>
    [WireName("step.failed")]
    StepFailed,
    /// <summary>A parallel step was planned.</summary>
    [WireName("step.planned")]
    StepPlanned,
    /// <summary>A sleep started.</summary>
    [WireName("sleep.started")]
    SleepStarted,
    /// <summary>A sleep ended.</summary>
    [WireName("sleep.ended")]
    SleepEnded,
    /// <summary>A waitForEvent started.</summary>
    [WireName("wait.started")]
    WaitStarted,
    /// <summary>A waitForEvent was resolved by an event.</summary>
    [WireName("wait.resolved")]
    WaitResolved,
    /// <summary>A waitForEvent timed out.</summary>
    [WireName("wait.timed_out")]
    WaitTimedOut,
    /// <summary>An invoke started a child run.</summary>
    [WireName("invoke.started")]
    InvokeStarted,
    /// <summary>An invoked child finished.</summary>
    [WireName("invoke.finished")]
    InvokeFinished,
    /// <summary>A call waits for a concurrency slot (detail: the key and its limit).</summary>
    [WireName("concurrency.waiting")]
    ConcurrencyWaiting,
    /// <summary>A call will be retried after a delay.</summary>
    [WireName("retry.scheduled")]
    RetryScheduled,
}

/// <summary>Questions about <see cref="HistoryKind"/>s.</summary>
public static class HistoryKinds
{
    /// <summary>True for the kinds that end a run.</summary>
    public static bool IsRunEnd(HistoryKind kind) => kind is HistoryKind.RunCompleted or HistoryKind.RunFailed or HistoryKind.RunCancelled;
}
