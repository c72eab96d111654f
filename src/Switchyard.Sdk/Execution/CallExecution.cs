using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Steps;
using Switchyard.Sdk.Hosting;
using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk.Execution;

/// <summary>One call of a function run: replays memoized steps, collects the steps the function reaches that have
/// no value yet, and decides the answer.</summary>
/// <remarks>
/// The function runs on a <see cref="CallPump"/>. A memoized step returns a completed task, so replay runs
/// synchronously; an un-memoized step is recorded and returns a task that stays pending. When the pump runs dry the
/// function is blocked: if it reached new steps, the call answers; if not, it is awaiting real I/O and the call waits
/// for that to post more work.
/// <para>Checkpointing: when the function reaches run-type steps only (one, or several started together), they run
/// here, and while the call's budget lasts their results are handed straight back to the function, which goes on to
/// its next steps in the same call.
/// The answer then lists every step run in this call, in order, followed by what ended the call (the function's
/// result as <c>RunComplete</c>, a step error, or steps to plan). The server stores them in one transaction. This
/// saves a round trip and a commit per step; the price is that an app crashing mid-call runs that call's finished
/// steps again, which steps (at-least-once) must tolerate anyway.</para>
/// </remarks>
internal sealed class CallExecution
{
    private readonly Lock _gate = new();
    private readonly JsonObject _memoized;
    private readonly StepIdCounter _ids = new();
    private readonly List<PlannedStep> _found = [];
    private readonly Dictionary<string, Action<JsonNode?>> _resume = [];
    private readonly List<Op> _checkpointed = [];
    private readonly string? _target;
    private readonly TimeSpan _checkpointBudget;
    private readonly ISwitchyardSerializer _serializer;
    private int _attempt;
    private readonly int _maxAttempts;
    private readonly bool _disableImmediateExecution;
    private readonly TimeSpan _stepNotFoundTimeout;
    private readonly TimeProvider _time;
    private int _replayed;
    private bool _closed;

    /// <param name="memoized">The request's <c>steps</c>.</param>
    /// <param name="target">Hash of the one step to run, or null for a discovery call.</param>
    /// <param name="attempt">0-based attempt of this call.</param>
    /// <param name="maxAttempts">The request's <c>max_attempts</c>; <see cref="int.MaxValue"/> when absent, so that no
    /// attempt counts as final.</param>
    /// <param name="disableImmediateExecution">When set, found steps are always reported, never run inline.</param>
    /// <param name="stepNotFoundTimeout">How long a call for <paramref name="target"/> may replay before giving up.</param>
    /// <param name="checkpointBudget">How long this call may keep running steps one after another; zero runs at most
    /// one step per call (the classic protocol).</param>
    /// <param name="serializer">Serializes the function's result.</param>
    /// <param name="time">The app's clock, which stamps when each step started.</param>
    public CallExecution(JsonObject memoized, string? target, int attempt, int maxAttempts, bool disableImmediateExecution, TimeSpan stepNotFoundTimeout,
        TimeSpan checkpointBudget, ISwitchyardSerializer serializer, TimeProvider time)
    {
        _time = time;
        _serializer = serializer;
        _checkpointBudget = checkpointBudget;
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
            var pending = new TaskCompletionSource<T>();
            if (!_closed)
            {
                var step = plan(hash, index);
                _found.Add(step);
                if (step.IsRunType)
                    _resume[hash] = data =>
                    {
                        try
                        {
                            pending.TrySetResult(read(data));
                        }
                        catch (Exception e)
                        {
                            pending.TrySetException(e);
                        }
                    };
            }
            // Stays pending unless the step runs and checkpoints in this call: otherwise the function stays parked
            // here until a later call carries this step's value.
            return pending.Task;
        }
    }

    /// <summary>Runs the function until it returns or blocks on new steps, and builds the answer.</summary>
    public async Task<SdkResponse> RunAsync(Func<Task<object?>> function, CancellationToken cancellationToken)
    {
        var pump = new CallPump();
        var started = Stopwatch.GetTimestamp();
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
                    return _checkpointed.Count > 0 ? Checkpointed([]) : FunctionFailed(e);
                }
                if (run.IsCompleted) return Completed(run);

                var (execute, report) = Decide();
                if (execute is not null)
                {
                    // Steps reached together (parallel) run together, each off the pump.
                    var outcomes = await Task.WhenAll(execute.Select(step => ExecuteAsync(step, cancellationToken))).ConfigureAwait(false);
                    var failures = outcomes.Where(o => o.Failure is not null).ToList();
                    var withinBudget = _target is null && Stopwatch.GetElapsedTime(started) < _checkpointBudget;
                    if (failures.Count > 0 || !withinBudget)
                    {
                        // Successes first: the server stores leading results, then handles the errors after them.
                        var ops = outcomes.Where(o => o.Failure is null).Concat(failures).Select(o => o.Op).ToList();
                        return Checkpointed(ops, failures.Count == 0 ? null : failures.All(f => f.Failure!.Final), failures.Select(f => f.Failure!.RetryAfter).FirstOrDefault(r => r is not null));
                    }
                    Checkpoint(execute, outcomes.Select(o => o.Op).ToList());
                    continue;
                }
                if (report is not null) return Checkpointed(report.Select(s => s.ToPlannedOp()).ToList());

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

    private (IReadOnlyList<PlannedStep>? Execute, IReadOnlyList<PlannedStep>? Report) Decide()
    {
        lock (_gate)
        {
            if (_target is not null)
            {
                var hit = _found.Find(s => s.Hash == _target);
                if (hit is null) return (null, null);
                return hit.IsRunType ? ([hit], null) : (null, [hit]);
            }
            if (_found.Count == 0) return (null, null);
            if (_disableImmediateExecution) return (null, _found.ToArray());
            // One run-type step runs inline, saving a round trip. Several reached together run inline too when the
            // call checkpoints; otherwise (and whenever one of them is a step the server carries out) the server
            // plans each step and calls them by hash.
            var inline = _found.Count == 1 || _checkpointBudget > TimeSpan.Zero;
            if (inline && _found.TrueForAll(s => s.IsRunType)) return (_found.ToArray(), null);
            return (null, _found.ToArray());
        }
    }

    /// <summary>Hands the steps' results back to the function, which continues on the pump, and keeps their ops for
    /// the answer.</summary>
    private void Checkpoint(IReadOnlyList<PlannedStep> steps, IReadOnlyList<Op> ops)
    {
        var resumes = new List<(Action<JsonNode?> Resume, JsonNode? Data)>();
        lock (_gate)
        {
            _found.Clear();
            _checkpointed.AddRange(ops);
            for (var i = 0; i < steps.Count; i++)
                if (_resume.TryGetValue(steps[i].Hash, out var resume)) resumes.Add((resume, ops[i].Data));
            _resume.Clear();
            // Each step gets its own attempts: the next one starts at the first, as it would in a new call.
            _attempt = 0;
        }
        foreach (var (resume, data) in resumes) resume(data);
    }

    /// <summary>The answer: the steps checkpointed in this call, then <paramref name="tail"/>, with the retry headers
    /// of failed steps when <paramref name="noRetry"/> is set.</summary>
    private SdkResponse Checkpointed(IReadOnlyList<Op> tail, bool? noRetry = null, string? retryAfter = null) =>
        SdkResponse.Ops(_checkpointed.Concat(tail), noRetry, retryAfter);

    /// <summary>How a step failed: whether that was final, and when to retry.</summary>
    private sealed record StepFailure(bool Final, string? RetryAfter);

    /// <summary>Runs a step's body. Returns its op, and, when it failed, how.</summary>
    private async Task<(Op Op, StepFailure? Failure)> ExecuteAsync(PlannedStep step, CancellationToken cancellationToken)
    {
        // The start is an instant on the app's clock; the duration stays monotonic (a step's real running time).
        var startedAt = _time.GetUtcNow();
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
            return (step.ToOp(OpCode.StepRun, data, timing: Timing()), null);
        }
        catch (Exception e)
        {
            var error = SerializedError.From(e);
            if (e is NonRetriableException || IsFinalAttempt)
            {
                var data = SerializedError.Create(error["name"]!.GetValue<string>(), e.Message, "");
                return (step.ToOp(OpCode.StepFailed, data, error, Timing()), new StepFailure(true, null));
            }
            return (step.ToOp(OpCode.StepError, null, error, Timing()), new StepFailure(false, SdkResponse.RetryAfterValue(e)));
        }
    }

    private SdkResponse Completed(Task<object?> run)
    {
        // After checkpointed steps, a function error is left to the next call, which replays them and meets the same
        // error with the attempt numbering the server keeps.
        if (!run.IsCompletedSuccessfully)
            return _checkpointed.Count > 0 ? Checkpointed([]) : FunctionFailed(run.Exception?.InnerException ?? new OperationCanceledException("The function was canceled."));
        JsonNode? result;
        try
        {
            var value = run.Result;
            result = value is null ? null : _serializer.Serialize(value, value.GetType());
        }
        catch (Exception e)
        {
            return _checkpointed.Count > 0 ? Checkpointed([]) : FunctionFailed(new InvalidOperationException($"The function's result could not be serialized: {e.Message}", e));
        }
        if (_checkpointed.Count == 0) return new SdkResponse(200, result);
        return Checkpointed([new Op { Id = StepId.Complete, Code = OpCode.RunComplete, Name = "complete", Data = result }]);
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
