
namespace Switchyard.Sdk.Testing;

/// <summary>The outcome of a run in the <see cref="SwitchyardTestHost"/>.</summary>
/// <typeparam name="TResult">The function's result type.</typeparam>
public sealed class TestRun<TResult>
{
    internal TestRun(string runId, TestRunStatus status, TResult? result, FunctionFailure? error, int calls,
        IReadOnlyDictionary<string, int> stepAttempts, TimeSpan elapsed, TestRun<object?>? failureHandler)
    {
        RunId = runId;
        Status = status;
        Result = result;
        Error = error;
        Calls = calls;
        StepAttempts = stepAttempts;
        Elapsed = elapsed;
        FailureHandler = failureHandler;
    }

    /// <summary>The run id the function saw (<see cref="FunctionContext{TData}.RunId"/>).</summary>
    public string RunId { get; }

    /// <summary>Completed or failed.</summary>
    public TestRunStatus Status { get; }

    /// <summary>The result, read back from its JSON form as the server stores it; default when the run failed.</summary>
    public TResult? Result { get; }

    /// <summary>Why the run failed; null when it completed.</summary>
    public FunctionFailure? Error { get; }

    /// <summary>How many times the function was entered: each call replays it from the start.</summary>
    public int Calls { get; }

    /// <summary>Attempts per step id (user id, repeats numbered <c>id:1</c>…) of the steps that ran: 1 for a step that
    /// succeeded at once, more when it was retried.</summary>
    public IReadOnlyDictionary<string, int> StepAttempts { get; }

    /// <summary>Virtual time from the run's start to its end (sleeps, waits, retry backoff).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The run of the function's <c>OnFailureAsync</c> after a final failure; null when none ran.</summary>
    public TestRun<object?>? FailureHandler { get; }

    /// <summary>The result when the run completed; else throws with the run's error.</summary>
    /// <exception cref="InvalidOperationException">The run failed.</exception>
    public TResult? EnsureCompleted() => Status == TestRunStatus.Completed
        ? Result
        : throw new InvalidOperationException($"The run failed: {Error?.Name}: {Error?.Message}");

}
