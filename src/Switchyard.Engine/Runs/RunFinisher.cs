using System.Text.Json.Nodes;
using Switchyard.Protocol.Events;
using Switchyard.Protocol.Steps;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Runs;

/// <summary>Ends runs: records the terminal state, clears their queue items and waits, raises
/// <c>inngest/function.finished</c> (and <c>inngest/function.failed</c>, which triggers <c>onFailure</c>
/// handlers) in the same transaction, and resumes an invoking parent with the result or the error. What else an ending
/// causes (telemetry, completion signals, releasing a singleton key) is done by <see cref="IRunListener"/>s.</summary>
public sealed class RunFinisher(RunAdvancer advancer, RunLifecycle lifecycle)
{
    /// <summary>The run returned <paramref name="output"/>.</summary>
    public void Complete(IStoreTransaction tx, RunRecord run, JsonNode? output)
    {
        var outputJson = output?.ToJsonString() ?? "null";
        End(tx, run with { Status = RunStatus.Completed, Output = outputJson }, HistoryKind.RunCompleted, outputJson);
        var trigger = TriggerEvent(tx, run);
        Emit(tx, InternalEvents.FunctionFinished, run, trigger, new JsonObject { ["result"] = output?.DeepClone() });
        ResumeParent(tx, run, StepResult.Data(output).ToJsonString());
    }

    /// <summary>The run failed for good with <paramref name="error"/>.</summary>
    public void Fail(IStoreTransaction tx, RunRecord run, JsonNode error)
    {
        var errorJson = error.ToJsonString();
        End(tx, run with { Status = RunStatus.Failed, Error = errorJson }, HistoryKind.RunFailed, errorJson);
        var trigger = TriggerEvent(tx, run);
        // Failure handlers react to function.failed; do not let a failing handler trigger handlers of itself forever.
        if (trigger?["name"]?.GetValue<string>() != InternalEvents.FunctionFailed)
            Emit(tx, InternalEvents.FunctionFailed, run, trigger, new JsonObject { ["error"] = error.DeepClone() }, id: run.Id);
        Emit(tx, InternalEvents.FunctionFinished, run, trigger, new JsonObject { ["error"] = error.DeepClone() });
        ResumeParent(tx, run, StepResult.Error(error).ToJsonString());
    }

    /// <summary>The run was cancelled. Functions it invoked that are still going are cancelled with it (as Temporal's
    /// default parent-close policy does): a cancelled DAG must not leave its shell nodes running.</summary>
    public void Cancel(IStoreTransaction tx, RunRecord run, string reason)
    {
        End(tx, run, new JsonObject { ["name"] = CancelledError, ["message"] = reason });
    }

    /// <summary>The name of the error of a cancelled run.</summary>
    public const string CancelledError = "RunCancelled";

    /// <summary>The name of the error of a run its <c>timeouts.start</c> or <c>timeouts.finish</c> ended: the run is
    /// cancelled, and <c>yard why</c> and telemetry say it timed out.</summary>
    public const string TimedOutError = "RunTimedOut";

    /// <summary>The run did not start, or finish, within its timeout (<paramref name="which"/> is <c>start</c> or
    /// <c>finish</c>): it is cancelled with a <see cref="TimedOutError"/>, so every view can tell a timeout from an
    /// operator's or a rule's cancel.</summary>
    public void TimeOut(IStoreTransaction tx, RunRecord run, string which, string reason) =>
        End(tx, run, new JsonObject { ["name"] = TimedOutError, ["message"] = reason, ["timeout"] = which });

    private void End(IStoreTransaction tx, RunRecord run, JsonObject error)
    {
        foreach (var step in run.Pending)
        {
            // The wait goes first, so the child's ending does not resume this run.
            if (tx.GetWait($"{run.Id}:{step}") is not { Kind: WaitKind.Invoke, Correlation: { } childId } wait || !tx.DeleteWait(wait.Id)) continue;
            if (tx.GetRun(childId) is { } child && !RunStatuses.IsTerminal(child.Status))
                Cancel(tx, child, $"its parent run {run.Id} was {(error["name"]?.GetValue<string>() == TimedOutError ? "timed out" : "cancelled")}");
        }
        End(tx, run with { Status = RunStatus.Cancelled, Error = error.ToJsonString() }, HistoryKind.RunCancelled, error.ToJsonString());
        ResumeParent(tx, run, StepResult.Error(error).ToJsonString());
    }

    private void End(IStoreTransaction tx, RunRecord run, HistoryKind kind, string detail)
    {
        var ended = run with { EndedAt = tx.Now, StartedAt = run.StartedAt ?? tx.Now, Pending = [], ForcePlan = false };
        tx.UpdateRun(ended);
        tx.DropRunQueue(run.Id);
        tx.DeleteWaits(run.Id);
        lifecycle.Record(tx, ended, HistoryEntries.RunEnded(tx, run, kind, detail));
    }

    private void ResumeParent(IStoreTransaction tx, RunRecord child, string memoized)
    {
        // Only an invoke step waits for a run, and the run it starts always names its parent (ResponseApplier).
        if (child.ParentRunId is null) return;
        var wait = tx.WaitForChild(child.Id);
        if (wait is null || !tx.DeleteWait(wait.Id)) return;
        var parent = tx.GetRun(wait.RunId);
        if (parent is null || RunStatuses.IsTerminal(parent.Status)) return;
        lifecycle.Record(tx, parent, HistoryEntries.Step(tx, parent.Id, HistoryKind.InvokeFinished, wait.StepHash,
            RunAdvancer.Detail(new { childRunId = child.Id, status = child.Status }), stepName: wait.EventName));
        advancer.Settle(tx, parent, wait.StepHash, null, memoized);
    }

    private static JsonObject? TriggerEvent(IStoreTransaction tx, RunRecord run) =>
        tx.EventBySeq(run.EventSeq) is { } e ? JsonNode.Parse(e.Body)!.AsObject() : null;

    private static void Emit(IStoreTransaction tx, string name, RunRecord run, JsonObject? trigger, JsonObject extra, string? id = null)
    {
        var data = new JsonObject
        {
            ["function_id"] = run.FunctionId,
            ["run_id"] = run.Id,
            ["event"] = trigger?.DeepClone(),
            ["events"] = trigger is null ? new JsonArray() : new JsonArray(trigger.DeepClone()),
        };
        if (run.ParentRunId is not null) data["correlation_id"] = $"{run.ParentRunId}.{run.ParentStep}";
        foreach (var (k, v) in extra) data[k] = v?.DeepClone();
        tx.Raise(new IncomingEvent(name, data, id is null ? null : $"{name}:{id}", null, null, null));
    }
}
