using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Parsing;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;
using Switchyard.Protocol.Dags;

namespace Switchyard.Engine.Dags;

/// <summary>Observes DAG runs (runs of the orchestrator) and records <c>dag.run.started|completed|failed|cancelled</c>
/// and <c>dag.node.started|completed|failed|skipped</c> telemetry, read from the orchestrator's step names
/// (<see cref="DagStepNames"/>): node attempts are steps, so their beginnings and endings are run transitions.</summary>
public sealed class DagTelemetry(TelemetrySink sink) : IRunListener
{
    /// <summary>The telemetry component of DAG records.</summary>
    public const string Component = "dags";

    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (run.FunctionId != DagRuntime.FunctionId) return;
        switch (entry.Kind)
        {
            case HistoryKind.RunStarted:
                Emit(tx, run, entry, "dag.run.started", null, null, null, null);
                return;
            case HistoryKind.RunCompleted:
                Emit(tx, run, entry, "dag.run.completed", null, true, null, Duration(run));
                return;
            case HistoryKind.RunFailed:
                Emit(tx, run, entry, "dag.run.failed", null, false, TelemetrySink.ErrorText(entry.Detail), Duration(run));
                return;
            case HistoryKind.RunCancelled:
                Emit(tx, run, entry, "dag.run.cancelled", null, false, TelemetrySink.ErrorText(entry.Detail), Duration(run));
                return;
        }
        if (entry.StepName == DagStepNames.Skipped && entry.Kind == HistoryKind.StepCompleted)
        {
            foreach (var node in JsonLimits.ParseStored(entry.Detail) as JsonArray ?? [])
                Emit(tx, run, entry, "dag.node.skipped", new JsonObject { ["node"] = node?.ToString() }, null, null, null);
            return;
        }
        if (!DagStepNames.TryParse(entry.StepName, out var nodeId, out var attempt, out var part)) return;
        var meta = new JsonObject { ["node"] = nodeId, ["attempt"] = attempt };
        switch (entry.Kind)
        {
            // A node's attempt begins with its first step: an invoke (shell, invoke), a sleep or a send, or, for a
            // step run inline, the step itself (then it begins and ends in one transition).
            case HistoryKind.InvokeStarted when part is null:
            case HistoryKind.SleepStarted when part is "sleep":
            case HistoryKind.StepCompleted when part is "send":
                Emit(tx, run, entry, "dag.node.started", meta, null, null, null);
                return;
            case HistoryKind.StepCompleted when part is null:
                var value = JsonLimits.ParseStored(entry.Detail);
                if ((value as JsonObject)?[DagStepNames.WholeAttempt]?.GetValueKind() == JsonValueKind.True)
                    Emit(tx, run, entry with { At = entry.At - (long)(entry.DurationMs ?? 0) }, "dag.node.started", meta, null, null, null);
                EmitEnd(tx, run, entry, meta, value);
                return;
            case HistoryKind.InvokeFinished when part is null:
                var child = (JsonLimits.ParseStored(entry.Detail) as JsonObject)?["childRunId"]?.GetValue<string>() is { } childId ? tx.GetRun(childId) : null;
                var output = child?.Status == RunStatus.Completed && child.Output is { } json ? JsonLimits.ParseStored(json) : null;
                if (child?.Status == RunStatus.Completed) EmitEnd(tx, run, entry, meta, output);
                else Emit(tx, run, entry, "dag.node.failed", meta, false, TelemetrySink.ErrorText(child?.Error), null);
                return;
            case HistoryKind.StepFailed or HistoryKind.WaitTimedOut when part is null:
                Emit(tx, run, entry, "dag.node.failed", meta, false, TelemetrySink.ErrorText(entry.Detail), entry.DurationMs);
                return;
        }
    }

    private void EmitEnd(IStoreTransaction tx, RunRecord run, HistoryEntry entry, JsonObject meta, JsonNode? value)
    {
        if (DagStepNames.Succeeded(value)) Emit(tx, run, entry, "dag.node.completed", meta, true, null, entry.DurationMs);
        else Emit(tx, run, entry, "dag.node.failed", meta, false, (value as JsonObject)?["error"]?.ToString() ?? ExitText(value), entry.DurationMs);
    }

    private static string? ExitText(JsonNode? value) =>
        value is JsonObject o && o["exitCode"] is { } code ? $"exit code {code}" + (o["timedOut"]?.GetValueKind() == JsonValueKind.True ? " (timed out)" : "") : null;

    private static double? Duration(RunRecord run) => run.StartedAt is { } s && run.EndedAt is { } e ? e - s : null;

    private void Emit(IStoreTransaction tx, RunRecord run, HistoryEntry entry, string action, JsonObject? extra, bool? success, string? error, double? durationMs)
    {
        var metadata = new JsonObject { ["runId"] = run.Id, ["eventId"] = run.EventId, ["functionId"] = run.FunctionId };
        foreach (var (k, v) in extra ?? []) metadata[k] = v?.DeepClone();
        var level = success == false ? TelemetryLevel.Error : TelemetryLevel.Info;
        // One record per transition, whatever replays: the id is the history entry's run, kind, step and attempt.
        var id = $"{run.Id}:{action}:{extra?["node"]}:{extra?["attempt"]}";
        sink.Record(tx, new TelemetryRecord(id, entry.At, tx.Now, level, TelemetrySink.Source, Component, action, durationMs, success, error,
            metadata.ToJsonString(), null, null, run.Id, run.EventId));
    }

}
