using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Steps;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk.Execution;

/// <summary>One call of a function run: replays memoized steps, collects the steps the function reaches that have
/// no value yet, and decides the answer (classic, non-checkpointing protocol: at most one step runs per call).</summary>
/// <remarks>
/// The function runs on a <see cref="CallPump"/>. A memoized step returns a completed task, so replay runs
/// synchronously; an un-memoized step is recorded and returns a task that never completes within this call. When the
/// pump runs dry the function is blocked: if it reached new steps, the call answers; if not, it is awaiting real
/// I/O and the call waits for that to post more work.
/// </remarks>
internal sealed class CallExecution
{
    private readonly Lock _gate = new();
    private readonly JsonObject _memoized;
    private readonly StepIdCounter _ids = new();
    private readonly List<PlannedStep> _found = [];
    private readonly string? _target;
    private readonly int _attempt;
    private readonly int _maxAttempts;
    private readonly bool _disableImmediateExecution;
    private readonly TimeSpan _stepNotFoundTimeout;
    private int _replayed;
    private bool _closed;

    /// <param name="memoized">The request's <c>steps</c>.</param>
    /// <param name="target">Hash of the one step to run, or null for a discovery call.</param>
    /// <param name="attempt">0-based attempt of this call.</param>
    /// <param name="maxAttempts">The request's <c>max_attempts</c>; <see cref="int.MaxValue"/> when absent, so that no
    /// attempt counts as final.</param>
    /// <param name="disableImmediateExecution">When set, found steps are always reported, never run inline.</param>
    /// <param name="stepNotFoundTimeout">How long a call for <paramref name="target"/> may replay before giving up.</param>
    public CallExecution(JsonObject memoized, string? target, int attempt, int maxAttempts, bool disableImmediateExecution, TimeSpan stepNotFoundTimeout)
    {
        _memoized = memoized;
        _target = target;
        _attempt = attempt;
        _maxAttempts = maxAttempts;
        _disableImmediateExecution = disableImmediateExecution;
        _stepNotFoundTimeout = stepNotFoundTimeout;
    }

    /// <summary>True while memoized steps remain to be replayed.</summary>
    public bool IsReplaying
    {
        get
        {
            lock (_gate) return _replayed < _memoized.Count;
        }
    }

    private bool IsFinalAttempt => _attempt >= _maxAttempts - 1;

    /// <summary>Reaches a step: its memoized value (or error) when it has one, else a task that stays pending.</summary>
    /// <param name="userId">The step id the function gave.</param>
    /// <param name="read">Turns the memoized data into the step's result.</param>
    /// <param name="plan">Describes the step for reporting or running, given its hash and repeat index.</param>
    public Task<T> Step<T>(string userId, Func<JsonNode?, T> read, Func<string, int, PlannedStep> plan)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        lock (_gate)
        {
            var (hash, index) = _ids.Next(userId);
            if (_memoized.TryGetPropertyValue(hash, out var memoized))
            {
                _replayed++;
                var (data, error) = StepResult.Unwrap(memoized);
                if (error is not null) return Task.FromException<T>(SerializedError.ToException(userId, error));
                try
                {
                    return Task.FromResult(read(data));
                }
                catch (Exception e)
                {
                    return Task.FromException<T>(e);
                }
            }
            if (!_closed) _found.Add(plan(hash, index));
            // Never completes: the function stays parked here until a later call carries this step's value.
            return new TaskCompletionSource<T>().Task;
        }
    }

    /// <summary>Runs the function until it returns or blocks on new steps, and builds the answer.</summary>
    public async Task<SdkResponse> RunAsync(Func<Task<object?>> function, CancellationToken cancellationToken)
    {
        var pump = new CallPump();
        try
        {
            var run = pump.Run(function);
            var deadline = _target is null ? (long?)null : Stopwatch.GetTimestamp() + (long)(_stepNotFoundTimeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                try
                {
                    pump.Drain();
                }
                catch (Exception e)
                {
                    return FunctionFailed(e);
                }
                if (run.IsCompleted) return Completed(run);

                var (execute, report) = Decide();
                if (execute is not null) return await ExecuteAsync(execute, cancellationToken).ConfigureAwait(false);
                if (report is not null) return SdkResponse.Ops(report.Select(s => s.ToPlannedOp()));

                var wait = Timeout.InfiniteTimeSpan;
                if (deadline is { } d)
                {
                    wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), d);
                    if (wait <= TimeSpan.Zero) return StepNotFound();
                }
                try
                {
                    await Task.WhenAny(pump.WhenWorkArrives(), run).WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Checked against the deadline at the top of the next round.
                }
            }
        }
        finally
        {
            lock (_gate) _closed = true;
            pump.Close();
        }
    }

    private (PlannedStep? Execute, IReadOnlyList<PlannedStep>? Report) Decide()
    {
        lock (_gate)
        {
            if (_target is not null)
            {
                var hit = _found.Find(s => s.Hash == _target);
                if (hit is null) return (null, null);
                return hit.IsRunType ? (hit, null) : (null, [hit]);
            }
            if (_found.Count == 0) return (null, null);
            // Running the step inline saves a round trip, but only when nothing else runs in parallel: otherwise the
            // server plans each step and calls them by hash.
            if (_found.Count == 1 && _found[0].IsRunType && !_disableImmediateExecution) return (_found[0], null);
            return (null, _found.ToArray());
        }
    }

    private async Task<SdkResponse> ExecuteAsync(PlannedStep step, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        JsonObject Timing() => new()
        {
            ["a"] = (startedAt - DateTimeOffset.UnixEpoch).Ticks * 100,
            ["b"] = clock.Elapsed.Ticks * 100,
        };
        try
        {
            // Off the pump: the step body is ordinary code, and the function's own code stays parked meanwhile.
            var data = await Task.Run(() => step.Work!(cancellationToken), cancellationToken).ConfigureAwait(false);
            return SdkResponse.Ops([step.ToOp(OpCode.StepRun, data, timing: Timing())]);
        }
        catch (Exception e)
        {
            var error = SerializedError.From(e);
            if (e is NonRetriableException || IsFinalAttempt)
            {
                var data = SerializedError.Create(error["name"]!.GetValue<string>(), e.Message, "");
                return SdkResponse.Ops([step.ToOp(OpCode.StepFailed, data, error, Timing())], noRetry: true);
            }
            return SdkResponse.Ops([step.ToOp(OpCode.StepError, null, error, Timing())], noRetry: false, SdkResponse.RetryAfterValue(e));
        }
    }

    private SdkResponse Completed(Task<object?> run)
    {
        if (!run.IsCompletedSuccessfully) return FunctionFailed(run.Exception?.InnerException ?? new OperationCanceledException("The function was canceled."));
        try
        {
            var result = run.Result;
            return new SdkResponse(200, result is null ? null : JsonSerializer.SerializeToNode(result, result.GetType(), SwitchyardOptions.Json));
        }
        catch (Exception e)
        {
            return FunctionFailed(new InvalidOperationException($"The function's result could not be serialized: {e.Message}", e));
        }
    }

    private SdkResponse FunctionFailed(Exception e) =>
        SdkResponse.FunctionError(e, final: e is NonRetriableException or StepFailedException || IsFinalAttempt);

    private SdkResponse StepNotFound()
    {
        PlannedStep[] found;
        lock (_gate) found = _found.ToArray();
        var list = string.Concat(found.Select(s => $"\n{s.UserId} ({s.Hash})"));
        var body = new JsonObject
        {
            ["error"] = $"Could not find step \"{_target}\" to run; timed out. Found new steps: {list}.",
            ["requestedStep"] = _target,
            ["foundSteps"] = new JsonArray(found.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Hash,
                ["name"] = s.Name,
                ["displayName"] = s.UserId,
            }).ToArray()),
            ["totalFoundSteps"] = found.Length,
        };
        return new SdkResponse(500, body).WithRetryHeaders(false, null);
    }
}
