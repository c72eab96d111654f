using System.Text.Json.Nodes;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Insight;

/// <summary>Builds the causal tree of an event: event → decisions → runs → steps (attempts, durations) → events the
/// steps sent and runs they invoked → … , from the same decision record and histories every other view reads.</summary>
public sealed class TraceBuilder(IStore store)
{
    /// <summary>How deep the tree goes.</summary>
    public const int MaxDepth = 8;
    /// <summary>Most nodes in one tree (cycles and fan-out are cut there, and the tree says so).</summary>
    public const int MaxNodes = 500;

    /// <summary>Optional correlation: telemetry entries for an event or run id (set when telemetry is available).</summary>
    public Func<string?, string?, CancellationToken, Task<JsonArray>>? Telemetry { get; set; }

    /// <summary>The tree for an event, or an error when it does not exist.</summary>
    public async Task<(JsonObject? Tree, EngineError? Error)> BuildAsync(string eventId, CancellationToken ct)
    {
        var ev = await store.Reader.GetEventAsync(eventId, ct);
        if (ev is null) return (null, EngineError.NotFound($"no event with id '{eventId}'"));
        var budget = new Budget();
        return (await EventNodeAsync(ev, 0, budget, ct), null);
    }

    private async Task<JsonObject> EventNodeAsync(StoredEvent ev, int depth, Budget budget, CancellationToken ct)
    {
        budget.Take();
        var node = new JsonObject
        {
            ["type"] = "event", ["id"] = ev.Id, ["name"] = ev.Name, ["source"] = ev.Source, ["receivedAt"] = ev.ReceivedAt,
        };
        if (!budget.Seen.Add("e:" + ev.Id) || depth >= MaxDepth || budget.Exhausted) { node["truncated"] = true; return node; }
        var decisions = await store.Reader.DecisionsForEventAsync(ev.Seq, ct);
        var children = new JsonArray();
        foreach (var d in decisions)
        {
            var fnNode = new JsonObject { ["type"] = "function", ["functionId"] = d.FunctionId, ["outcome"] = d.Outcome.ToWire(), ["reason"] = d.Reason };
            if (d.RunId is not null && d.Outcome is not (DecisionOutcome.SkippedIdempotency or DecisionOutcome.SingletonSkipped or DecisionOutcome.Cancelled) &&
                await store.Reader.GetRunAsync(d.RunId, ct) is { } run && run.EventSeq == ev.Seq)
                fnNode["run"] = await RunNodeAsync(run, depth + 1, budget, ct);
            children.Add(fnNode);
        }
        // Runs started without a trigger decision (invoked children) hang off the event too.
        foreach (var run in (await store.Reader.RunsForEventAsync(ev.Seq, ct)).Where(r => decisions.All(d => d.RunId != r.Id)))
            children.Add(new JsonObject { ["type"] = "function", ["functionId"] = run.FunctionId, ["outcome"] = "invoked", ["run"] = await RunNodeAsync(run, depth + 1, budget, ct) });
        node["children"] = children;
        if (Telemetry is not null) node["telemetry"] = await Telemetry(ev.Id, null, ct);
        return node;
    }

    private async Task<JsonObject> RunNodeAsync(RunRecord run, int depth, Budget budget, CancellationToken ct)
    {
        budget.Take();
        var node = (JsonObject)ApiViewsJson.Run(run);
        node["type"] = "run";
        if (!budget.Seen.Add("r:" + run.Id) || depth >= MaxDepth || budget.Exhausted) { node["truncated"] = true; return node; }
        var history = await store.Reader.GetHistoryAsync(run.Id, ct);
        var steps = new JsonArray();
        var sent = new JsonArray();
        var invoked = new JsonArray();
        foreach (var group in history.Where(h => h.StepHash is { Length: > 0 } && h.Kind is HistoryKind.StepCompleted or HistoryKind.StepErrored or HistoryKind.StepFailed or HistoryKind.StepPlanned || h.Kind is HistoryKind.SleepStarted or HistoryKind.SleepEnded or HistoryKind.WaitStarted or HistoryKind.WaitResolved or HistoryKind.WaitTimedOut or HistoryKind.InvokeStarted or HistoryKind.InvokeFinished)
                     .GroupBy(h => h.StepHash))
        {
            var entries = group.ToList();
            var last = entries[^1];
            var step = new JsonObject
            {
                ["type"] = "step", ["name"] = entries.Select(e => e.StepName).LastOrDefault(n => n is not null) ?? group.Key, ["op"] = entries.Select(e => e.Op).LastOrDefault(o => o is not null),
                ["status"] = last.Kind.ToWire(), ["attempts"] = entries.Count(e => e.Kind is HistoryKind.StepErrored or HistoryKind.StepCompleted or HistoryKind.StepFailed),
                ["durationMs"] = entries.Where(e => e.DurationMs is not null).Sum(e => e.DurationMs),
            };
            steps.Add(step);
            foreach (var e in entries)
            {
                if (e.Kind == HistoryKind.StepCompleted && ApiViewsJson.Json(e.Detail) is JsonObject { } output && output["ids"] is JsonArray ids)
                {
                    foreach (var id in ids.Select(i => i?.ToString()).Where(i => i is not null))
                        if (await store.Reader.GetEventAsync(id!, ct) is { } child) sent.Add(await EventNodeAsync(child, depth + 1, budget, ct));
                }
                if (e.Kind == HistoryKind.InvokeStarted && ApiViewsJson.Json(e.Detail)?["childRunId"]?.ToString() is { } childId &&
                    await store.Reader.GetRunAsync(childId, ct) is { } childRun)
                    invoked.Add(await RunNodeAsync(childRun, depth + 1, budget, ct));
            }
        }
        node["steps"] = steps;
        if (sent.Count > 0) node["sentEvents"] = sent;
        if (invoked.Count > 0) node["invokedRuns"] = invoked;
        if (Telemetry is not null) node["telemetry"] = await Telemetry(null, run.Id, ct);
        return node;
    }

    private sealed class Budget
    {
        private int _nodes;
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public bool Exhausted => _nodes >= MaxNodes;
        public void Take() => _nodes++;
    }
}
