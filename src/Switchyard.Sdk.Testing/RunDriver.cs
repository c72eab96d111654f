using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Steps;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk.Testing;

/// <summary>Plays the server for one run: it calls the SDK's serve entry (<c>ServeEndpoint.CallAsync</c>, as the HTTP
/// endpoint does) with the memoized steps, once per step as the protocol does, and applies each answer the way the
/// engine's <c>ResponseApplier</c> does — steps memoized, errors retried with the server's backoff up to the function's
/// attempts, planned steps called by hash, sleeps and wait timeouts scheduled on the fake clock. Only the server half
/// is written here; what a call does inside the app is the SDK's own code.</summary>
internal sealed partial class RunDriver(SwitchyardTestHost host, FunctionDefinition definition, string runId, JsonObject triggerEvent)
{
    /// <summary>More calls than this is a run looping without end (a step id that changes on every call, say).</summary>
    private const int MaxCalls = 1_000;

    private readonly string _fnId = FunctionDefinition.CompositeId(host.AppId, definition.LocalId);
    private readonly int _maxAttempts = definition.ToConfig(host.AppId, "http://test-host/").MaxAttempts;
    private readonly JsonObject _steps = [];
    private readonly List<string> _pending = [];
    private readonly List<Due> _agenda = [];
    private readonly List<Wait> _waits = [];
    private readonly List<ScheduledEvent> _incoming = [];
    private readonly Dictionary<string, int> _stepAttempts = new(StringComparer.Ordinal);
    private long _seq;
    private bool _forcePlan;
    private int _version = -1;
    private int _calls;
    private RunOutcome? _outcome;

    private abstract record Due(DateTimeOffset At, long Seq);

    private sealed record CallDue(DateTimeOffset At, long Seq, string StepId, int Attempt) : Due(At, Seq);

    private sealed record SleepDue(DateTimeOffset At, long Seq, string Hash) : Due(At, Seq);

    private sealed record WaitExpiry(DateTimeOffset At, long Seq, string Hash) : Due(At, Seq);

    private sealed record Wait(string Hash, string Event, string? Condition, DateTimeOffset OpenedAt, WaitExpiry Expiry);

    [GeneratedRegex(@"^\s*event\.([A-Za-z0-9_.]+)\s*==\s*async\.([A-Za-z0-9_.]+)\s*$")]
    private static partial Regex MatchCondition();

    /// <summary>An event reaching the run (scheduled by the test, or sent by a function).</summary>
    public void Offer(ScheduledEvent e)
    {
        var index = _incoming.FindLastIndex(x => x.At <= e.At);
        _incoming.Insert(index + 1, e);
    }

    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var started = host.Time.GetUtcNow();
        Schedule(new CallDue(started, 0, StepId.Discovery, 0));
        while (_outcome is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = _agenda.OrderBy(d => d.At).ThenBy(d => d.Seq).FirstOrDefault();
            // An event due strictly before the next item arrives first; at the same instant the call goes first, so an
            // event sent "now" reaches a wait the call opens.
            if (_incoming.Count > 0 && (next is null || _incoming[0].At < next.At))
            {
                var e = _incoming[0];
                _incoming.RemoveAt(0);
                AdvanceTo(e.At);
                Deliver(e);
                continue;
            }
            if (next is null)
                throw new InvalidOperationException($"Run {runId} of {_fnId} is stuck: nothing is scheduled and no step is pending a call.");
            _agenda.Remove(next);
            AdvanceTo(next.At);
            switch (next)
            {
                case CallDue call:
                    await CallAsync(call, cancellationToken).ConfigureAwait(false);
                    break;
                case SleepDue sleep:
                    Settle(sleep.Hash, StepResult.Data(null));
                    break;
                case WaitExpiry expiry:
                    _waits.RemoveAll(w => w.Hash == expiry.Hash);
                    Settle(expiry.Hash, StepResult.Data(null));
                    break;
            }
        }
        return _outcome with { Elapsed = host.Time.GetUtcNow() - started };
    }

    private void AdvanceTo(DateTimeOffset at)
    {
        var now = host.Time.GetUtcNow();
        if (at > now) host.Time.Advance(at - now);
    }

    private void Schedule(Due due) => _agenda.Add(due with { Seq = ++_seq });

    private async Task CallAsync(CallDue call, CancellationToken cancellationToken)
    {
        if (++_calls > MaxCalls) throw new InvalidOperationException($"Run {runId} of {_fnId} made {MaxCalls} calls without ending.");
        var request = new CallRequest
        {
            Event = (JsonObject)triggerEvent.DeepClone(),
            Events = [triggerEvent.DeepClone()],
            Steps = (JsonObject)_steps.DeepClone(),
            Version = _version,
            Ctx = new CallContext
            {
                RunId = runId,
                Attempt = call.Attempt,
                MaxAttempts = _maxAttempts,
                DisableImmediateExecution = _forcePlan,
                Stack = new StackInfo { Stack = _steps.Select(s => s.Key).ToList(), Current = _steps.Count },
                StepId = call.StepId,
                FunctionId = _fnId,
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(request, ProtocolJson.Options);
        var response = await host.Endpoint.CallAsync(_fnId, call.StepId, body, cancellationToken).ConfigureAwait(false);
        var noRetry = response.Headers.TryGetValue(Headers.NoRetry, out var nr) && nr == "true";
        var retryAfter = ParseRetryAfter(response.Headers.GetValueOrDefault(Headers.RetryAfter));
        switch (response.Status)
        {
            case 200:
                _outcome = new RunOutcome(runId, TestRunStatus.Completed, response.Body, null, _calls, _stepAttempts, TimeSpan.Zero);
                return;
            case 206:
                _version = int.Parse(SdkInfo.RequestVersion, CultureInfo.InvariantCulture);
                var ops = response.Body switch
                {
                    JsonArray a => a.Deserialize<List<Op>>(ProtocolJson.Options) ?? [],
                    JsonObject o => [o.Deserialize<Op>(ProtocolJson.Options)!],
                    _ => [],
                };
                await ApplyOpsAsync(call, ops, noRetry, retryAfter, cancellationToken).ConfigureAwait(false);
                return;
            default:
                var error = response.Body as JsonObject ?? Error("Error", $"app answered {response.Status}: {response.Body?.ToJsonString() ?? "(empty)"}");
                RetryOrFail(call, error, noRetry, retryAfter);
                return;
        }
    }

    private async Task ApplyOpsAsync(CallDue call, List<Op> all, bool noRetry, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var ops = all.Where(o => !OpCode.IsLazy(o.Code)).ToList();
        if (ops.Count == 0)
        {
            RetryOrFail(call, Error("ProtocolError", "the SDK answered 206 with no ops"), false, null);
            return;
        }
        // Steps a checkpointing call ran one after another come first; each counts as its own call.
        var done = 0;
        while (done < ops.Count - 1 && ops[done].Code is OpCode.StepRun or OpCode.Step) done++;
        if (done > 0)
        {
            var attempt = call.Attempt;
            foreach (var op in ops.Take(done))
            {
                CountAttempt(op, attempt);
                attempt = 0;
                Memoize(op.Id, StepResult.Data(op.Data), continueRun: false);
            }
            call = call with { Attempt = 0 };
            ops = ops.Skip(done).ToList();
        }
        if (ops.FirstOrDefault(o => o.Code == OpCode.RunComplete) is { } complete)
        {
            _outcome = new RunOutcome(runId, TestRunStatus.Completed, complete.Data, null, _calls, _stepAttempts, TimeSpan.Zero);
            return;
        }
        if (ops.Count == 1 && ops[0].Code is OpCode.StepRun or OpCode.Step)
        {
            CountAttempt(ops[0], call.Attempt);
            Settle(ops[0].Id, StepResult.Data(ops[0].Data));
            return;
        }
        if (ops.Count == 1 && ops[0].Id == StepId.Complete && ops[0].Code is OpCode.StepError or OpCode.StepFailed)
        {
            RetryOrFail(call, ops[0].Error ?? Error("Error", "function failed"), noRetry || ops[0].Code == OpCode.StepFailed, retryAfter);
            return;
        }
        if (ops.All(o => o.Code is OpCode.StepError or OpCode.StepFailed))
        {
            ApplyStepErrors(call, ops, noRetry, retryAfter);
            return;
        }
        if (ops.FirstOrDefault(o => o.Code is not (OpCode.StepPlanned or OpCode.Sleep or OpCode.WaitForEvent or OpCode.InvokeFunction)) is { } unsupported)
        {
            Fail(Error("UnsupportedOpError", $"step '{unsupported.Label}' uses op {unsupported.Code}, which Switchyard does not support"));
            return;
        }
        // A step reported again while it is planned is in flight already; as on the server, it is planned once.
        var fresh = ops.Where(o => !_pending.Contains(o.Id) && !_steps.ContainsKey(o.Id)).DistinctBy(o => o.Id).ToList();
        _pending.AddRange(fresh.Select(o => o.Id));
        _forcePlan |= ops.Count > 1;
        var now = host.Time.GetUtcNow();
        foreach (var op in fresh)
        {
            switch (op.Code)
            {
                case OpCode.StepPlanned:
                    Schedule(new CallDue(now, 0, op.Id, 0));
                    break;
                case OpCode.Sleep:
                    if (!TimeString.TryParseWakeTime(op.Opt("duration") ?? op.Name, now, out var wakeAt)) wakeAt = now;
                    Schedule(new SleepDue(wakeAt, 0, op.Id));
                    break;
                case OpCode.WaitForEvent:
                    var timeout = TimeString.TryParseDuration(op.Opt("timeout"), out var t) ? t : TimeSpan.FromDays(366);
                    var expiry = new WaitExpiry(now + timeout, ++_seq, op.Id);
                    _agenda.Add(expiry);
                    _waits.Add(new Wait(op.Id, op.Opt("event") ?? op.Name ?? "", op.Opt("if"), now, expiry));
                    break;
                case OpCode.InvokeFunction:
                    var data = (op.Opts?["payload"] as JsonObject)?["data"] as JsonObject ?? [];
                    Settle(op.Id, await host.InvokeAsync(op.Opt("function_id") ?? "", data, runId, op.Id, cancellationToken).ConfigureAwait(false));
                    break;
            }
        }
    }

    /// <summary>As the server: a step error is retried (the same call, next attempt, after the backoff) while attempts
    /// remain; a final one is memoized, and the SDK throws it into the function as <see cref="StepFailedException"/>.</summary>
    private void ApplyStepErrors(CallDue call, IReadOnlyList<Op> ops, bool noRetry, TimeSpan? retryAfter)
    {
        var retry = false;
        var failed = new List<string>();
        foreach (var op in ops)
        {
            CountAttempt(op, call.Attempt);
            if (op.Code == OpCode.StepError && !noRetry && call.Attempt + 1 < _maxAttempts)
            {
                retry = true;
                continue;
            }
            _steps[op.Id] = StepResult.Error(op.Error ?? op.Data ?? Error("Error", "step failed"));
            failed.Add(op.Id);
        }
        _pending.RemoveAll(failed.Contains);
        if (retry) ScheduleRetry(call, retryAfter);
        else Continue();
    }

    private void RetryOrFail(CallDue call, JsonNode error, bool noRetry, TimeSpan? retryAfter)
    {
        if (!noRetry && call.Attempt + 1 < _maxAttempts) ScheduleRetry(call, retryAfter);
        else Fail(error);
    }

    private void ScheduleRetry(CallDue call, TimeSpan? retryAfter)
    {
        var next = call.Attempt + 1;
        Schedule(new CallDue(host.Time.GetUtcNow() + RetryBackoff.Delay(next, retryAfter), 0, call.StepId, next));
    }

    private void Fail(JsonNode error) =>
        _outcome = new RunOutcome(runId, TestRunStatus.Failed, null, error, _calls, _stepAttempts, TimeSpan.Zero);

    private void Settle(string hash, JsonObject value) => Memoize(hash, value, continueRun: true);

    /// <summary>Memoizes a step and, once nothing is pending, queues the next discovery call (the run's next step).</summary>
    private void Memoize(string hash, JsonObject value, bool continueRun)
    {
        _steps[hash] = value;
        _pending.Remove(hash);
        if (continueRun && _pending.Count == 0) Continue();
    }

    private void Continue()
    {
        if (_pending.Count > 0) return;
        _forcePlan = false;
        Schedule(new CallDue(host.Time.GetUtcNow(), 0, StepId.Discovery, 0));
    }

    private void Deliver(ScheduledEvent e)
    {
        var name = e.Event["name"]?.GetValue<string>();
        var wait = _waits.FirstOrDefault(w => w.Event == name && e.At >= w.OpenedAt && Matches(w, e.Event));
        if (wait is null) return;
        _waits.Remove(wait);
        _agenda.Remove(wait.Expiry);
        Settle(wait.Hash, StepResult.Data(e.Event.DeepClone()));
    }

    /// <summary>The <c>Match</c> form of a wait's condition (<c>event.path == async.path</c>), compared here; other CEL
    /// expressions need the server.</summary>
    private bool Matches(Wait wait, JsonObject candidate)
    {
        if (wait.Condition is null) return true;
        var match = MatchCondition().Match(wait.Condition);
        if (!match.Success)
            throw new NotSupportedException($"The test host compares only Match conditions (event.<path> == async.<path>); the wait \"{wait.Hash}\" uses \"{wait.Condition}\".");
        return JsonNode.DeepEquals(Path(triggerEvent, match.Groups[1].Value), Path(candidate, match.Groups[2].Value));
    }

    private static JsonNode? Path(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.')) node = node is JsonObject o ? o[part] : null;
        return node;
    }

    private void CountAttempt(Op op, int attempt)
    {
        var id = op.Userland is { } u ? (u.Index is { } i and > 0 ? $"{u.Id}:{i}" : u.Id) : op.Label;
        _stepAttempts[id] = Math.Max(_stepAttempts.GetValueOrDefault(id), attempt + 1);
    }

    /// <summary>Seven characters or fewer is whole seconds, longer an instant (the Inngest rule), against virtual time.</summary>
    private TimeSpan? ParseRetryAfter(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Length <= 7 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at - host.Time.GetUtcNow() : null;
    }

    internal static JsonObject Error(string name, string message) => new() { ["name"] = name, ["message"] = message };
}
