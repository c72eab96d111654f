using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Parsing;
using Switchyard.Engine.Storage;
using Switchyard.Protocol.Dags;
using Switchyard.Protocol.Steps;

namespace Switchyard.Engine.Dags;

/// <summary>Reads DAG runs and pipelines for the REST API, from the same records every other view reads: the run, its
/// trigger event (which carries the DAG), its memoized steps (node outputs) and its history (node timings).</summary>
public sealed class DagViews(IStore store, PipelineCatalog catalog, TimeProvider time)
{
    /// <summary>A DAG run with its nodes; an error when <paramref name="runId"/> is not a DAG run.</summary>
    public async Task<(DagRunView? View, EngineError? Error)> GetAsync(string runId, CancellationToken ct)
    {
        var run = await store.Reader.GetRunAsync(runId, ct);
        if (run is null || run.FunctionId != DagRuntime.FunctionId)
            return (null, EngineError.NotFound(run is null ? $"no run with id '{runId}'" : $"run '{runId}' is a run of {run.FunctionId}, not a DAG run"));
        var (spec, data) = await SpecAsync(run, ct);
        var history = await store.Reader.GetHistoryAsync(runId, ct);
        var steps = await store.Reader.GetStepsAsync(runId, ct);
        return (Build(run, spec, data, history, steps), null);
    }

    /// <summary>DAG runs, newest first, optionally of one pipeline or status.</summary>
    public async Task<DagRunList> ListAsync(string? pipeline, RunStatus? status, int count, CancellationToken ct)
    {
        // The pipeline is in each run's trigger event; read a wider window when filtering by it.
        var runs = await store.Reader.ListRunsAsync(status, DagRuntime.FunctionId, null, pipeline is null ? count : Math.Min(count * 10, 5000), ct);
        var list = new List<DagRunSummary>();
        foreach (var run in runs)
        {
            var (spec, data) = await SpecAsync(run, ct);
            var name = data?["pipeline"]?.GetValue<string>();
            if (pipeline is not null && name != pipeline) continue;
            list.Add(new DagRunSummary(run.Id, run.Status.ToWire(), name, spec?.Nodes.Count ?? 0, run.CreatedAt, run.EndedAt,
                run.EndedAt is { } end ? end - (run.StartedAt ?? run.CreatedAt) : null, ErrorMessage(run.Error)));
            if (list.Count >= count) break;
        }
        return new DagRunList(list);
    }

    /// <summary>Every pipeline, with its next tick and latest run.</summary>
    public async Task<PipelineList> PipelinesAsync(CancellationToken ct)
    {
        var views = new List<PipelineView>();
        foreach (var p in catalog.All) views.Add(await PipelineAsync(p, ct));
        return new PipelineList(views);
    }

    /// <summary>One pipeline and its DAG.</summary>
    public async Task<(PipelineDetail? Detail, EngineError? Error)> PipelineAsync(string name, CancellationToken ct) =>
        catalog.Find(name) is { } p ? (new PipelineDetail(await PipelineAsync(p, ct), p.Spec.ToJson()), null) : (null, UnknownPipeline(name));

    /// <summary>A pipeline's requests (ticks, triggers, queue items) and their outcomes, newest first.</summary>
    public async Task<(PipelineHistory? History, EngineError? Error)> HistoryAsync(string name, int count, CancellationToken ct)
    {
        if (catalog.Find(name) is null) return (null, UnknownPipeline(name));
        var prefix = PipelineLauncher.EventId(name, "");
        var decisions = await store.Reader.DecisionsForFunctionAsync(DagRuntime.FunctionId, 0, long.MaxValue, Math.Min(count * 20, 10_000), ct);
        var entries = new List<PipelineHistoryEntry>();
        foreach (var d in decisions.Where(d => d.EventId.StartsWith(prefix, StringComparison.Ordinal)).OrderByDescending(d => d.At).Take(count))
        {
            var run = d.RunId is null ? null : await store.Reader.GetRunAsync(d.RunId, ct);
            entries.Add(new PipelineHistoryEntry(d.EventId, d.At, d.Outcome.ToWire(), d.Reason, d.RunId, run?.Status.ToWire()));
        }
        return (new PipelineHistory(name, entries), null);
    }

    /// <summary>The error for a pipeline name that is not declared.</summary>
    public EngineError UnknownPipeline(string name) => EngineError.NotFound(
        $"no pipeline is named '{name}' (known: {(catalog.All.Count == 0 ? "none; declare [pipelines.NAME] in yard.toml" : string.Join(", ", catalog.All.Select(p => p.Name)))})");

    private async Task<PipelineView> PipelineAsync(PipelineDefinition p, CancellationToken ct)
    {
        var latestId = await store.Reader.KvGetAsync(DagRuntime.Namespace, PipelineLauncher.LatestKey(p.Name), ct);
        var latest = latestId is null ? null : await store.Reader.GetRunAsync(latestId, ct);
        var next = p.Schedule?.Next(time.GetUtcNow())?.ToUnixTimeMilliseconds();
        return new PipelineView(p.Name, p.Description, p.Schedule?.Text, p.Concurrency.ToWire(), p.Notify, p.Spec.Nodes.Count, p.Origin, next, latest?.Id, latest?.Status.ToWire());
    }

    private async Task<(DagSpec? Spec, JsonObject? Data)> SpecAsync(RunRecord run, CancellationToken ct)
    {
        var trigger = await store.Reader.GetEventBySeqAsync(run.EventSeq, ct);
        var data = trigger is null ? null : (JsonLimits.ParseStored(trigger.Body) as JsonObject)?["data"] as JsonObject;
        return (DagParser.Parse(data?["dag"]).Spec, data);
    }

    /// <summary>Node states from the memoized steps (values) and the history (timings), for one run.</summary>
    internal static DagRunView Build(RunRecord run, DagSpec? spec, JsonObject? data, IReadOnlyList<HistoryEntry> history, IReadOnlyList<MemoizedStep> steps)
    {
        // Invoke results are memoized without a name; the history of their start names them.
        var names = history.Where(h => h.StepHash is not null && h.StepName is not null).GroupBy(h => h.StepHash!).ToDictionary(g => g.Key, g => g.First().StepName!);
        var values = new Dictionary<(string Node, int Attempt), (JsonNode? Data, JsonNode? Error)>();
        List<string> skipped = [];
        foreach (var step in steps)
        {
            var name = step.Name ?? names.GetValueOrDefault(step.Hash);
            var unwrapped = StepResult.Unwrap(JsonLimits.ParseStored(step.Value));
            if (name == DagStepNames.Skipped) skipped = (unwrapped.Data as JsonArray)?.Select(n => n?.ToString() ?? "").ToList() ?? [];
            else if (DagStepNames.TryParse(name, out var node, out var attempt, out var part) && part is null) values[(node, attempt)] = unwrapped;
        }
        var times = new Dictionary<string, (long Start, long End)>();
        foreach (var h in history)
        {
            if (!DagStepNames.TryParse(h.StepName, out var node, out _, out _)) continue;
            var start = h.At - (long)(h.DurationMs ?? 0);
            times[node] = times.TryGetValue(node, out var t) ? (Math.Min(t.Start, start), Math.Max(t.End, h.At)) : (start, h.At);
        }
        var terminal = RunStatuses.IsTerminal(run.Status);
        var nodes = new List<DagNodeView>();
        string? failedNode = null;
        foreach (var node in spec?.Nodes ?? [])
        {
            var attempts = values.Keys.Where(k => k.Node == node.Id).Select(k => k.Attempt).DefaultIfEmpty(0).Max();
            var started = times.TryGetValue(node.Id, out var span);
            string state;
            JsonNode? output = null, detail = null;
            string? error = null;
            long? endedAt = null;
            if (attempts > 0)
            {
                var (value, stepError) = values[(node.Id, attempts)];
                // The orchestrator's own attempts hold nothing beyond output and error; others (shell) keep their result.
                detail = value is JsonObject o && o.ContainsKey(DagStepNames.AttemptMarker) ? null : value?.DeepClone() ?? stepError?.DeepClone();
                var ok = stepError is null && DagStepNames.Succeeded(value);
                if (ok)
                {
                    state = "completed";
                    output = DagStepNames.Output(value)?.DeepClone();
                }
                else
                {
                    error = stepError is not null ? ErrorMessage(stepError.ToJsonString()) : DagStepNames.Error(value);
                    output = stepError is null ? DagStepNames.Output(value)?.DeepClone() : null;
                    state = attempts > node.Retries || terminal ? "failed" : "retrying";
                    if (state == "failed") failedNode ??= node.Id;
                }
                if (state != "retrying") endedAt = span.End;
            }
            else if (skipped.Contains(node.Id)) state = "skipped";
            else if (started && !terminal) state = "running";
            else if (terminal) state = run.Status == RunStatus.Cancelled ? "cancelled" : "skipped";
            else state = "pending";
            if (state == "retrying" && !terminal) state = "retrying";
            var attemptsShown = Math.Max(attempts, started && attempts == 0 ? 1 : attempts);
            nodes.Add(new DagNodeView(node.Id, node.Handler.ToString().ToLowerInvariant(), node.DependsOn, state, attemptsShown,
                started ? span.Start : null, endedAt, started && endedAt is { } e ? e - span.Start : null, output, error, detail));
        }
        return new DagRunView(run.Id, run.Status.ToWire(), data?["pipeline"]?.GetValue<string>(), spec?.RequestId, run.EventId, run.CreatedAt, run.StartedAt,
            run.EndedAt, run.EndedAt is { } end ? end - (run.StartedAt ?? run.CreatedAt) : null, ErrorMessage(run.Error), failedNode, nodes);
    }

    private static string? ErrorMessage(string? errorJson)
    {
        if (errorJson is null) return null;
        var node = JsonLimits.ParseStored(errorJson);
        return node is JsonObject o && o["message"] is JsonValue m ? m.ToString() : node?.ToString() ?? errorJson;
    }

}
