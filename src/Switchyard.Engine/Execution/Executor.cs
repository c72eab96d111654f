using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol.Calls;
using Switchyard.Configuration;
using Switchyard.Engine.Events;
using Switchyard.Engine.FlowControl;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Diagnostics;

namespace Switchyard.Engine.Execution;

/// <summary>Runs one due queue item: fires a timer, or loads the run's state, calls the owning app and applies
/// the answer atomically. Nothing here holds a thread while a run sleeps or waits: those are rows.</summary>
public sealed class Executor(
    IStore store, FunctionRegistry registry, AppClient client, ResponseApplier applier, RunFinisher finisher, RunAdmission admission,
    EventIngest ingest, InFlightCalls inFlight, ServerOptions options, TimeProvider time, ILogger<Executor> logger)
{
    /// <summary>Processes <paramref name="item"/>.</summary>
    public async Task ExecuteAsync(QueueItem item, CancellationToken cancellationToken)
    {
        switch (item.Kind)
        {
            case QueueItemKind.Sleep:
                await ingest.WriteAsync(tx => { applier.WakeSleep(tx, item); return 0; }, cancellationToken);
                return;
            case QueueItemKind.WaitTimeout:
                await ingest.WriteAsync(tx => { applier.TimeOutWait(tx, item); return 0; }, cancellationToken);
                return;
            case QueueItemKind.Timeout:
                await ingest.WriteAsync(tx => { TimeOut(tx, item); return 0; }, cancellationToken);
                return;
            case QueueItemKind.Debounce:
                await ingest.WriteAsync(tx => { admission.FireDebounce(tx, item); return 0; }, cancellationToken);
                return;
            case QueueItemKind.Batch:
                await ingest.WriteAsync(tx => { admission.FireBatch(tx, item); return 0; }, cancellationToken);
                return;
            case QueueItemKind.Call:
                await CallAsync(item, cancellationToken);
                return;
            default:
                logger.LogError("unknown queue item kind {Kind} ({Id}); dropping it", item.Kind, item.Id);
                await ingest.WriteAsync(tx => tx.Dequeue(item.Id), cancellationToken);
                return;
        }
    }

    /// <summary>Step spans (children of the call) from the timings the SDK reports, and the step-duration metric.</summary>
    private static void RecordSteps(Activity call, CallOutcome outcome)
    {
        call.SetTag("http.response.status_code", outcome.Status);
        if (outcome is CallOutcome.Failed) call.SetStatus(ActivityStatusCode.Error);
        if (outcome is not CallOutcome.Ops ops) return;
        foreach (var op in ops.Items.Where(o => o.Code is Protocol.Calls.OpCode.StepRun or Protocol.Calls.OpCode.StepError or Protocol.Calls.OpCode.StepFailed))
        {
            var startNs = op.Timing?["a"] is JsonValue a && a.TryGetValue(out long sa) ? sa : 0;
            var durationNs = op.Timing?["b"] is JsonValue b && b.TryGetValue(out long sb) ? sb : 0;
            var start = startNs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(startNs / 1_000_000) : call.StartTimeUtc;
            using var step = SwitchyardDiagnostics.Source.StartActivity($"step {op.Label}", ActivityKind.Internal, call.Context, startTime: start);
            if (step is null) continue;
            step.SetTag("switchyard.step.id", op.Id).SetTag("switchyard.step.op", op.Code);
            if (op.Code != Protocol.Calls.OpCode.StepRun) step.SetStatus(ActivityStatusCode.Error);
            step.SetEndTime(start.UtcDateTime + TimeSpan.FromTicks(durationNs / 100));
            SwitchyardDiagnostics.StepDuration.Record(durationNs / 1_000_000.0, new KeyValuePair<string, object?>("op", op.Code));
        }
    }

    /// <summary>A start or finish timeout fired: cancel the run if it has not started (or finished) yet.</summary>
    private void TimeOut(IStoreTransaction tx, QueueItem item)
    {
        var run = tx.DequeueWithRun(item.Id, item.RunId);
        if (run is null || RunStatuses.IsTerminal(run.Status)) return;
        var spec = registry.Current.Function(run.FunctionId)?.Flow;
        if (item.StepId == "start" && run.Status == RunStatus.Queued)
            finisher.TimeOut(tx, run, "start", $"timed out: not started within {Protocol.TimeString.Format(spec?.StartTimeout ?? TimeSpan.Zero)} (timeouts.start)");
        else if (item.StepId == "finish")
            finisher.TimeOut(tx, run, "finish", $"timed out: not finished within {Protocol.TimeString.Format(spec?.FinishTimeout ?? TimeSpan.Zero)} of starting (timeouts.finish)");
    }

    private async Task CallAsync(QueueItem item, CancellationToken cancellationToken)
    {
        // Events committed after this read are seen by a wait this call may register (lookback).
        var state = await store.Reader.LoadCallStateAsync(item.RunId, cancellationToken);
        var run = state?.Run;
        if (run is null || RunStatuses.IsTerminal(run.Status))
        {
            await ingest.WriteAsync(tx => tx.Dequeue(item.Id), cancellationToken);
            return;
        }
        var fn = registry.Current.Function(run.FunctionId);
        var url = fn?.Config.Step?.Runtime.Url;
        if (fn is null || url is null)
        {
            await ingest.WriteAsync(tx =>
            {
                if (!tx.Dequeue(item.Id)) return 0;
                var current = tx.GetRun(item.RunId);
                if (current is not null && !RunStatuses.IsTerminal(current.Status))
                    finisher.Fail(tx, current, AppClient.Error("FunctionNotFound",
                        $"function '{run.FunctionId}' is no longer registered by any app; sync the app that serves it (yard sync <url>)"));
                return 0;
            }, cancellationToken);
            return;
        }

        // Timeouts count from the moment the first call goes out (not from its answer); one extra write, only for
        // functions that declare timeouts.
        if (run.Status == RunStatus.Queued && fn.Flow is { StartTimeout: not null } or { FinishTimeout: not null } &&
            !await ingest.WriteAsync(tx => applier.BeginFirstCall(tx, item), cancellationToken))
            return;

        var triggerEvent = state!.Trigger;
        var steps = state.Steps;
        var watermark = state.LookbackPosition;
        var eventJson = triggerEvent is null ? new JsonObject() : JsonNode.Parse(triggerEvent.Body)!.AsObject();
        var events = new JsonArray();
        if (run.Batch is { Count: > 1 } batch)
        {
            foreach (var seq in batch)
                if (await store.Reader.GetEventBySeqAsync(seq, cancellationToken) is { } e) events.Add(JsonNode.Parse(e.Body));
        }
        else events.Add(eventJson.DeepClone());
        var stepMap = new JsonObject();
        foreach (var s in steps) stepMap[s.Hash] = JsonNode.Parse(s.Value);
        var request = new CallRequest
        {
            Event = eventJson,
            Events = events,
            Steps = stepMap,
            Version = run.Version,
            Ctx = new CallContext
            {
                RunId = run.Id,
                Attempt = item.Attempt,
                MaxAttempts = fn.Config.MaxAttempts,
                DisableImmediateExecution = run.ForcePlan,
                Stack = new StackInfo { Stack = steps.Select(s => s.Hash).ToList(), Current = steps.Count },
                StepId = item.StepId,
                // Lets v4 Inngest SDKs checkpoint (run several steps in this call); see CheckpointApi.
                FunctionId = run.FunctionId,
                QueueItemId = item.Id,
            },
        };
        SwitchyardDiagnostics.QueueLag.Record(Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - item.DueAt));
        // The call span is current while the request is made, so HttpClient sends its traceparent to the app.
        using var span = TraceContexts.Enabled
            ? SwitchyardDiagnostics.Source.StartActivity($"call {run.FunctionId}", ActivityKind.Client,
                TraceContexts.Parse(await store.Reader.KvGetAsync("trace", "run:" + run.Id, cancellationToken)))
            : null;
        span?.SetTag("switchyard.run.id", run.Id).SetTag("switchyard.function.id", run.FunctionId)
            .SetTag("switchyard.step.id", item.StepId).SetTag("switchyard.attempt", item.Attempt);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CallTimeout);
        // Cancelling the run while this call is in flight aborts it (CallAborter), so the app's step token fires.
        using var call = inFlight.Track(run.Id, timeout.Token);
        CallOutcome outcome;
        try
        {
            outcome = await client.CallAsync(url, item.StepId, run.Id, request, options.Dev, call.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The scheduler cut the call off (shutdown grace over): the answer will never come, so hand the item on as
            // the next attempt now. The store outlives the schedulers' shutdown, so this write still lands.
            await ingest.WriteAsync(tx => { applier.CutOff(tx, item); return 0; }, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (call.Aborted(timeout.Token))
        {
            // The run ended (cancelled) and its queued items are gone: there is no answer to apply.
            span?.SetTag("switchyard.call.aborted", true).SetStatus(ActivityStatusCode.Error, "run cancelled");
            logger.LogInformation("aborted the call of run {RunId} ({StepId}): the run was cancelled", run.Id, item.StepId);
            return;
        }
        SwitchyardDiagnostics.CallDuration.Record(outcome.DurationMs, new KeyValuePair<string, object?>("function", run.FunctionId));
        if (span is not null) RecordSteps(span, outcome);
        // The answer is in hand: commit it even when shutdown cuts off calls meanwhile (a commit takes milliseconds; the
        // app's work would otherwise be done twice).
        await ingest.WriteAsync(tx => { applier.Apply(tx, item, outcome, watermark, fn.Config.MaxAttempts); return 0; }, CancellationToken.None);
    }
}
