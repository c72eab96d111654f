using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Events;
using Switchyard.Protocol.Steps;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Queue;

namespace Switchyard.Engine.Execution;

/// <summary>Applies one call's outcome to a run, atomically, inside a write transaction. Guarded by removing the
/// queue item that made the call: if it is already gone (applied before, or the run was cancelled), nothing
/// happens, so applying the same answer twice is a no-op.</summary>
public sealed class ResponseApplier(
    WorkQueue queue, RunAdvancer advancer, RunFinisher finisher, WaitResolver waits, RunStarter starter,
    RetryPolicy retries, FunctionRegistry registry, RunLifecycle lifecycle)
{
    /// <summary>Longest sleep or wait honoured.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromDays(366);

    /// <summary>Applies <paramref name="outcome"/> of the call made for <paramref name="item"/>.</summary>
    public void Apply(IStoreTransaction tx, QueueItem item, CallOutcome outcome, long watermark, int maxAttempts)
    {
        var run = tx.DequeueWithRun(item.Id, item.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.Call, CallStep(item),
            RunAdvancer.Detail(new { status = outcome.Status, stepId = item.StepId }), attempt: item.Attempt, durationMs: outcome.DurationMs));
        run = Start(tx, run, item.Attempt);
        if (outcome is CallOutcome.Ops { Version: { } v } && run.Version == -1) run = run with { Version = v };
        tx.UpdateRun(run);

        switch (outcome)
        {
            case CallOutcome.Completed c:
                finisher.Complete(tx, run, c.Result);
                break;
            case CallOutcome.Failed f:
                RetryOrFail(tx, run, item, f.Error, f.NoRetry, f.RetryAfter, maxAttempts);
                break;
            case CallOutcome.Ops o:
                ApplyOps(tx, run, item, o, watermark, maxAttempts);
                break;
        }
    }

    /// <summary>Stores the steps an SDK checkpointed while the call for queue item <paramref name="queueItemId"/> is
    /// still in flight (Inngest async checkpointing), in the caller's one transaction. Each step is stored as if it had
    /// been its own call; the call's answer, applied later, carries on from them.</summary>
    /// <returns>False when the checkpoint is stale: the item's call was applied already (or timed out and was retried),
    /// or the run ended; nothing is written then.</returns>
    public bool Checkpoint(IStoreTransaction tx, string runId, string queueItemId, IReadOnlyList<Op> steps)
    {
        var run = tx.HoldQueueItemWithRun(runId, queueItemId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return false;
        run = Start(tx, run, 0);
        // A retried checkpoint (its reply was lost) must not record the same steps twice.
        var stored = tx.ExistingSteps(runId, [.. steps.Select(o => o.Id).Distinct()]);
        StoreRanSteps(tx, run, steps.Where(o => !stored.Contains(o.Id)).DistinctBy(o => o.Id).ToList(), 0);
        return true;
    }

    /// <summary>Marks a queued run running as its first call goes out (used when its function has a start or finish
    /// timeout): a run whose first call is executing has started, so its start timeout must not cancel it however
    /// long that call takes, and its finish timeout counts from here rather than from the call's answer.</summary>
    /// <returns>False when the run has ended meanwhile (a timeout or a cancel won the race): the call is not made.</returns>
    public bool BeginFirstCall(IStoreTransaction tx, QueueItem item)
    {
        var run = tx.GetRun(item.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status))
        {
            tx.DropQueueItem(item.Id);
            return false;
        }
        Start(tx, run, item.Attempt);
        return true;
    }

    /// <summary>Marks a queued run running at its first call (or checkpoint), with the start and finish timeouts.</summary>
    private RunRecord Start(IStoreTransaction tx, RunRecord run, int attempt)
    {
        if (run.Status != RunStatus.Queued) return run;
        run = run with { Status = RunStatus.Running, StartedAt = tx.Now };
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.RunStarted, null, null, attempt: attempt));
        tx.DropQueueItem(QueueItemIds.StartTimeout(run.Id));
        if (registry.Current.Function(run.FunctionId)?.Flow.FinishTimeout is { } finish)
            queue.Enqueue(tx, new QueueItem(QueueItemIds.FinishTimeout(run.Id), run.Id, QueueItemKind.Timeout, "finish", 0, tx.Now + (long)finish.TotalMilliseconds));
        tx.UpdateRun(run);
        return run;
    }

    /// <summary>Memoizes steps an SDK ran one after another in one call (in its answer, or in async checkpoints),
    /// without queuing a call: the call's answer says what comes next.</summary>
    private RunRecord StoreRanSteps(IStoreTransaction tx, RunRecord run, IReadOnlyList<Op> steps, int attempt)
    {
        if (steps.Count == 0) return run;
        foreach (var op in steps)
        {
            lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepCompleted, op, attempt, TimingMs(op), op.Data?.ToJsonString() ?? "null"));
            // Later steps of the call started at their first attempt.
            attempt = 0;
        }
        return advancer.Memoize(tx, run, steps.Select(o => (o.Id, (string?)o.Label, StepResult.Data(o.Data).ToJsonString())).ToList(), continueRun: false);
    }

    private void ApplyOps(IStoreTransaction tx, RunRecord run, QueueItem item, CallOutcome.Ops outcome, long watermark, int maxAttempts)
    {
        var ops = outcome.Items.Where(o => !OpCode.IsLazy(o.Code)).ToList();
        if (ops.Count == 0)
        {
            RetryOrFail(tx, run, item, AppClient.Error("ProtocolError", "the SDK answered 206 with no ops"), false, null, maxAttempts);
            return;
        }
        // A checkpointing SDK ran several steps in this call: they come first, in order, followed by what ended the
        // call. Each is stored as if it had been its own call; whatever follows is handled as a call's answer.
        var done = 0;
        while (done < ops.Count - 1 && ops[done].Code is OpCode.StepRun or OpCode.Step) done++;
        if (done > 0)
        {
            run = StoreRanSteps(tx, run, ops.Take(done).ToList(), item.Attempt);
            // Later steps of the call started at their first attempt.
            item = item with { Attempt = 0 };
            ops = ops.Skip(done).ToList();
        }
        if (ops.FirstOrDefault(o => o.Code == OpCode.RunComplete) is { } complete)
        {
            finisher.Complete(tx, run, complete.Data);
            return;
        }
        if (ops.Count == 1 && ops[0].Code is OpCode.StepRun or OpCode.Step or OpCode.StepError or OpCode.StepFailed)
        {
            var op = ops[0];
            if (op.Id == StepId.Complete && op.Code is OpCode.StepError or OpCode.StepFailed)
            {
                RetryOrFail(tx, run, item, op.Error ?? AppClient.Error("Error", "function failed"), outcome.NoRetry || op.Code == OpCode.StepFailed, outcome.RetryAfter, maxAttempts);
                return;
            }
            ApplyStepResult(tx, run, item, op, outcome, maxAttempts);
            return;
        }

        if (ops.All(o => o.Code is OpCode.StepError or OpCode.StepFailed && o.Id != StepId.Complete))
        {
            ApplyStepErrors(tx, run, item, ops, outcome, maxAttempts);
            return;
        }

        var unsupported = ops.FirstOrDefault(o => o.Code is not (OpCode.StepPlanned or OpCode.Sleep or OpCode.WaitForEvent or OpCode.InvokeFunction or OpCode.StepRun or OpCode.Step));
        if (unsupported is not null)
        {
            finisher.Fail(tx, run, AppClient.Error("UnsupportedOpError",
                $"step '{unsupported.Label}' uses op {unsupported.Code}, which Switchyard does not support yet"));
            return;
        }

        var pending = run.Pending.ToList();
        var parallel = ops.Count > 1;
        // A step reported again while it is already planned (parallel steps: each call reports every step still
        // pending) is in flight: planning it twice would run it twice, or invoke a second child.
        // A step that settled after this call read the run's state (race-mode runs have several calls in flight) is
        // done: planning it again would run it twice, or invoke a second child.
        var stored = tx.ExistingSteps(run.Id, [.. ops.Select(o => o.Id).Where(id => !pending.Contains(id)).Distinct()]);
        var fresh = ops.Where(o => !pending.Contains(o.Id) && !stored.Contains(o.Id)).ToList();
        pending.AddRange(fresh.Select(o => o.Id).Distinct());
        run = run with { Pending = pending, ForcePlan = run.ForcePlan || parallel };
        tx.UpdateRun(run);

        foreach (var op in fresh.DistinctBy(o => o.Id))
        {
            switch (op.Code)
            {
                case OpCode.StepRun or OpCode.Step:
                    // Only reachable through a checkpoint fallback that bundles results with other ops.
                    lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepCompleted, op, item.Attempt, TimingMs(op), op.Data?.ToJsonString()));
                    run = advancer.Settle(tx, run, op.Id, op.Label, StepResult.Data(op.Data).ToJsonString());
                    break;
                case OpCode.StepPlanned:
                    queue.Enqueue(tx, new QueueItem(QueueItemIds.Planned(run.Id, op.Id), run.Id, QueueItemKind.Call, op.Id, 0, tx.Now));
                    lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepPlanned, op, 0, null, null));
                    break;
                case OpCode.Sleep:
                    PlanSleep(tx, run, op);
                    break;
                case OpCode.WaitForEvent:
                    run = PlanWait(tx, run, op, watermark) ?? run;
                    break;
                case OpCode.InvokeFunction:
                    run = PlanInvoke(tx, run, op) ?? run;
                    break;
            }
        }
    }

    private void ApplyStepResult(IStoreTransaction tx, RunRecord run, QueueItem item, Op op, CallOutcome.Ops outcome, int maxAttempts)
    {
        switch (op.Code)
        {
            case OpCode.StepRun or OpCode.Step:
                lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepCompleted, op, item.Attempt, TimingMs(op), op.Data?.ToJsonString() ?? "null"));
                advancer.Settle(tx, run, op.Id, op.Label, StepResult.Data(op.Data).ToJsonString());
                break;
            default:
                ApplyStepErrors(tx, run, item, [op], outcome, maxAttempts);
                break;
        }
    }

    /// <summary>Steps that failed in a call (one, or several run together): each error is recorded; the call is
    /// retried once for all of them while any may be retried; StepFailed, or a StepError not retried, memoizes the
    /// error, which the SDK rethrows into the function.</summary>
    private void ApplyStepErrors(IStoreTransaction tx, RunRecord run, QueueItem item, IReadOnlyList<Op> ops, CallOutcome.Ops outcome, int maxAttempts)
    {
        var retry = false;
        var failed = new List<(string, string?, string)>();
        foreach (var op in ops)
        {
            if (op.Code == OpCode.StepError && !outcome.NoRetry && item.Attempt + 1 < maxAttempts)
            {
                lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepErrored, op, item.Attempt, TimingMs(op), op.Error?.ToJsonString()));
                retry = true;
                continue;
            }
            var error = op.Error ?? op.Data ?? AppClient.Error("Error", "step failed");
            lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepFailed, op, item.Attempt, TimingMs(op), error.ToJsonString()));
            failed.Add((op.Id, op.Label, StepResult.Error(error).ToJsonString()));
        }
        run = advancer.Memoize(tx, run, failed, continueRun: !retry);
        if (retry) ScheduleRetry(tx, run, item, outcome.RetryAfter);
    }

    private void RetryOrFail(IStoreTransaction tx, RunRecord run, QueueItem item, JsonNode error, bool noRetry, TimeSpan? retryAfter, int maxAttempts)
    {
        if (!noRetry && item.Attempt + 1 < maxAttempts)
        {
            lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.StepErrored, CallStep(item), error.ToJsonString(), attempt: item.Attempt));
            ScheduleRetry(tx, run, item, retryAfter);
            return;
        }
        finisher.Fail(tx, run, error);
    }

    /// <summary>The call made for <paramref name="item"/> was cut off because this server stopped before the app
    /// answered (after <c>shutdown_grace</c>): the item is replaced by the next attempt, due now, so the next server
    /// or replica retries it at once instead of waiting for a lease to lapse. A no-op when the item was applied already.</summary>
    public void CutOff(IStoreTransaction tx, QueueItem item)
    {
        var run = tx.DequeueWithRun(item.Id, item.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        var next = item.Attempt + 1;
        queue.Enqueue(tx, item with { Id = QueueItemIds.Fresh(run.Id, item.StepId), Attempt = next, DueAt = tx.Now });
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.RetryScheduled, CallStep(item),
            RunAdvancer.Detail(new { attempt = next, dueAt = tx.Now, delayMs = 0L, reason = "shutdown" }), attempt: next));
    }

    private void ScheduleRetry(IStoreTransaction tx, RunRecord run, QueueItem item, TimeSpan? retryAfter)
    {
        var next = item.Attempt + 1;
        var delay = retries.Delay(next, retryAfter);
        var due = tx.Now + (long)delay.TotalMilliseconds;
        queue.Enqueue(tx, item with { Id = QueueItemIds.Fresh(run.Id, item.StepId), Attempt = next, DueAt = due });
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.RetryScheduled, CallStep(item),
            RunAdvancer.Detail(new { attempt = next, dueAt = due, delayMs = (long)delay.TotalMilliseconds }), attempt: next));
    }

    private void PlanSleep(IStoreTransaction tx, RunRecord run, Op op)
    {
        var target = op.Opt("duration") ?? op.Name;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(tx.Now);
        if (!TimeString.TryParseWakeTime(target, now, out var wakeAt)) wakeAt = now;
        if (wakeAt - now > MaxPause) wakeAt = now + MaxPause;
        queue.Enqueue(tx, new QueueItem(QueueItemIds.Planned(run.Id, op.Id), run.Id, QueueItemKind.Sleep, op.Id, 0, wakeAt.ToUnixTimeMilliseconds(), op.Label));
        lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.SleepStarted, op, 0, null, RunAdvancer.Detail(new { until = wakeAt.ToUnixTimeMilliseconds(), duration = target })));
    }

    private RunRecord? PlanWait(IStoreTransaction tx, RunRecord run, Op op, long watermark)
    {
        var eventName = op.Opt("event") ?? op.Name ?? "";
        var timeout = TimeString.TryParseDuration(op.Opt("timeout"), out var t) ? t : MaxPause;
        if (timeout > MaxPause) timeout = MaxPause;
        var wait = new WaitRecord($"{run.Id}:{op.Id}", run.Id, op.Id, WaitKind.Event, eventName, op.Opt("if"), null,
            tx.Now + (long)timeout.TotalMilliseconds, tx.Now);
        lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.WaitStarted, op, 0, null,
            RunAdvancer.Detail(new { @event = eventName, @if = wait.Expression, timeout = TimeString.Format(timeout), expiresAt = wait.ExpiresAt })));
        waits.Register(tx, wait, watermark, queue);
        return tx.GetRun(run.Id);
    }

    private RunRecord? PlanInvoke(IStoreTransaction tx, RunRecord run, Op op)
    {
        var functionId = op.Opt("function_id") ?? "";
        var timeout = TimeString.TryParseDuration(op.Opt("timeout"), out var t) ? t : MaxPause;
        var target = registry.Current.Function(functionId);
        if (target is null)
        {
            var error = AppClient.Error("InvokeError", $"function '{functionId}' is not registered");
            lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.StepFailed, op, 0, null, error.ToJsonString()));
            return advancer.Settle(tx, run, op.Id, op.Label, StepResult.Error(error).ToJsonString());
        }
        var payload = op.Opts?["payload"] as JsonObject;
        var data = payload?["data"] is JsonObject d ? (JsonObject)d.DeepClone() : [];
        var expires = tx.Now + (long)timeout.TotalMilliseconds;
        data["_inngest"] = new JsonObject
        {
            ["fn_id"] = functionId,
            ["correlation_id"] = $"{run.Id}.{op.Id}",
            ["expire"] = expires,
            ["source_app_id"] = run.AppId,
            ["source_fn_id"] = run.FunctionId,
        };
        var now = tx.Now;
        var eventId = $"{run.Id}.{op.Id}";
        var json = new JsonObject { ["name"] = InternalEvents.FunctionInvoked, ["data"] = data, ["id"] = eventId, ["ts"] = now };
        var stored = new StoredEvent(0, eventId, InternalEvents.FunctionInvoked, json.ToJsonString(), now, now, "invoke");
        stored = stored with { Seq = tx.InsertEvent(stored) };
        // An invoke starts only its target, never other functions that listen to function.invoked.
        var child = starter.Start(tx, stored, target, $"invoked by run {run.Id}", new StartOptions(ParentRunId: run.Id, ParentStep: op.Id));
        // An invoke wait has no event name; it keeps the step's name, so the history of its ending can carry it.
        tx.InsertWait(new WaitRecord($"{run.Id}:{op.Id}", run.Id, op.Id, WaitKind.Invoke, op.Label, null, child.Id, expires, now));
        queue.Enqueue(tx, new QueueItem(QueueItemIds.WaitTimeout($"{run.Id}:{op.Id}"), run.Id, QueueItemKind.WaitTimeout, op.Id, 0, expires, $"{run.Id}:{op.Id}"));
        lifecycle.Record(tx, run, Entry(tx, run, HistoryKind.InvokeStarted, op, 0, null, RunAdvancer.Detail(new { functionId, childRunId = child.Id })));
        return run;
    }

    /// <summary>A sleep ended: memoize <c>null</c> and continue.</summary>
    public void WakeSleep(IStoreTransaction tx, QueueItem item)
    {
        if (!tx.Dequeue(item.Id)) return;
        var run = tx.GetRun(item.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.SleepEnded, item.StepId, null, stepName: item.Payload, op: OpCode.Sleep));
        advancer.Settle(tx, run, item.StepId, item.Payload, "null");
    }

    /// <summary>A wait or invoke timed out: memoize <c>null</c> (event waits) or a timeout error (invokes).</summary>
    public void TimeOutWait(IStoreTransaction tx, QueueItem item)
    {
        if (!tx.Dequeue(item.Id)) return;
        var wait = item.Payload is null ? null : tx.GetWait(item.Payload);
        if (wait is null || !tx.DeleteWait(wait.Id)) return;
        var run = tx.GetRun(wait.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        var value = wait.Kind == WaitKind.Invoke
            ? StepResult.Error(AppClient.Error("InngestInvokeTimeoutError", "Timed out waiting for invoked function to complete")).ToJsonString()
            : "null";
        lifecycle.Record(tx, run, HistoryEntries.Step(tx, run.Id, HistoryKind.WaitTimedOut, wait.StepHash, RunAdvancer.Detail(new { kind = wait.Kind }),
            stepName: wait.Kind == WaitKind.Invoke ? wait.EventName : null));
        advancer.Settle(tx, run, wait.StepHash, null, value);
    }

    private static HistoryEntry Entry(IStoreTransaction tx, RunRecord run, HistoryKind kind, Op op, int attempt, double? durationMs, string? detail) =>
        HistoryEntries.Step(tx, run.Id, kind, op.Id, detail, op.Label, op.Code, attempt, durationMs);

    /// <summary>The step a call was made for; null for discovery calls, which are about the run as a whole.</summary>
    private static string? CallStep(QueueItem item) => item.StepId == StepId.Discovery ? null : item.StepId;

    private static double? TimingMs(Op op) =>
        op.Timing?["b"] is JsonValue b && b.TryGetValue(out double ns) ? ns / 1_000_000.0 : null;
}
