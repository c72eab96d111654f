using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Scheduling;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Insight;

/// <summary>Answers "why did (or didn't) this run?" for one event and every registered function, from the decision
/// record, the runs' histories and the registry: no trigger (with the nearest names), expression false (with the
/// values it read), paused, flow control, app unreachable at call time, run failed (step and error), still running.
/// For cron functions it adds their last fires.</summary>
public sealed class WhyExplainer(IStore store, FunctionRegistry registry)
{
    /// <summary>The explanation, or an error when the event does not exist.</summary>
    public async Task<(JsonObject? Result, EngineError? Error)> ExplainAsync(string eventId, string? functionId, CancellationToken ct)
    {
        var ev = await store.Reader.GetEventAsync(eventId, ct);
        if (ev is null) return (null, EngineError.NotFound($"no event with id '{eventId}'"));
        // An over-deep body stored before the depth limit is explained as an event without fields rather than a 500.
        var eventJson = Parsing.JsonLimits.ParseStored(ev.Body) as JsonObject ?? new JsonObject { ["name"] = ev.Name };
        var snapshot = registry.Current;
        var decisions = await store.Reader.DecisionsForEventAsync(ev.Seq, ct);
        var runs = await store.Reader.RunsForEventAsync(ev.Seq, ct);
        var functions = snapshot.Functions.Select(f => snapshot.Function(f.Id)!).DistinctBy(f => f.Id).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        if (functionId is not null)
        {
            functions = functions.Where(f => f.Id == functionId).ToList();
            if (functions.Count == 0 && decisions.All(d => d.FunctionId != functionId))
                return (null, EngineError.NotFound($"no function with id '{functionId}' (see yard functions)"));
        }
        // Suggest near names only when nothing at all listens to this name: then a typo is the likely cause.
        var patterns = snapshot.Triggers.Match(ev.Name).Count > 0 ? [] : snapshot.Triggers.Patterns.ToList();
        var list = new JsonArray();
        foreach (var fn in functions)
        {
            var mine = decisions.Where(d => d.FunctionId == fn.Id).ToList();
            var entry = new JsonObject { ["functionId"] = fn.Id, ["appId"] = fn.AppId };
            if (mine.Count == 0)
            {
                var trigger = fn.Config.Triggers.FirstOrDefault(t => t.Event is { } e && (e == ev.Name || (e.EndsWith('*') && ev.Name.StartsWith(e[..^1], StringComparison.Ordinal))));
                if (trigger is not null && fn.UpdatedAt > ev.ReceivedAt)
                    Set(entry, false, "registered_later", $"'{fn.Id}' was registered (or changed) after this event arrived, so it was not considered");
                else if (trigger is not null)
                    Set(entry, false, "no_decision", "its trigger matches, but no decision was recorded for this event (it arrived before the trigger existed?)");
                else
                {
                    var events = fn.Config.Triggers.Select(t => t.Event ?? $"cron {t.Cron}").ToList();
                    var nearest = NearestNames.Find(ev.Name, patterns);
                    Set(entry, false, "no_trigger", $"no trigger for '{ev.Name}'; it is triggered by {string.Join(", ", events.Select(e => $"'{e}'"))}");
                    entry["nearestNames"] = new JsonArray(nearest.Select(n => (JsonNode)n).ToArray());
                }
            }
            foreach (var d in mine)
            {
                entry["outcome"] = d.Outcome.ToWire();
                switch (d.Outcome)
                {
                    case DecisionOutcome.ExpressionFalse:
                        var expression = fn.Config.Triggers.FirstOrDefault(t => !string.IsNullOrWhiteSpace(t.Expression))?.Expression ?? "";
                        Set(entry, false, "expression_false", d.Reason);
                        entry["expression"] = expression;
                        entry["values"] = ExpressionValues.Read(expression, eventJson);
                        break;
                    case DecisionOutcome.Matched or DecisionOutcome.Debounced or DecisionOutcome.Batched:
                        var run = runs.FirstOrDefault(r => r.Id == d.RunId) ?? (d.RunId is null ? null : await store.Reader.GetRunAsync(d.RunId, ct));
                        if (run is null) { Set(entry, false, "pending", d.Reason); break; }
                        await DescribeRunAsync(entry, run, d.Reason, ct);
                        break;
                    default:
                        Set(entry, false, d.Outcome.ToWire(), d.Reason);
                        if (d.RunId is not null) entry["relatedRunId"] = d.RunId;
                        break;
                }
            }
            if (fn.Config.Triggers.Any(t => !string.IsNullOrWhiteSpace(t.Cron))) entry["cron"] = await CronFiresAsync(fn, ct);
            list.Add(entry);
        }
        return (new JsonObject { ["event"] = ApiViewsJson.Event(ev), ["functions"] = list }, null);
    }

    private async Task DescribeRunAsync(JsonObject entry, RunRecord run, string reason, CancellationToken ct)
    {
        var history = await store.Reader.GetHistoryAsync(run.Id, ct);
        entry["runId"] = run.Id;
        entry["runStatus"] = run.Status.ToWire();
        var unreachable = history.Where(h => h.Kind == HistoryKind.Call && h.Detail is not null && h.Detail.Contains("\"status\":0", StringComparison.Ordinal)).ToList();
        var errors = history.Where(h => h.Kind is HistoryKind.StepErrored or HistoryKind.StepFailed).ToList();
        switch (run.Status)
        {
            case RunStatus.Completed:
                Set(entry, true, "completed", reason + (unreachable.Count > 0 ? $"; the app was unreachable on {unreachable.Count} call(s) before it succeeded" : ""));
                break;
            case RunStatus.Failed:
                var failedStep = history.LastOrDefault(h => h.Kind == HistoryKind.StepFailed) ?? errors.LastOrDefault();
                var why = unreachable.Count > 0 && unreachable.Count >= errors.Count
                    ? $"the app was unreachable at call time ({Short(ApiViewsJson.Json(history.Last(h => h.Kind == HistoryKind.StepErrored)?.Detail))}); fix: start the app and `yard sync <url>`"
                    : failedStep is null
                        ? $"the function failed: {Short(ApiViewsJson.Json(run.Error))}"
                        : $"step '{failedStep.StepName ?? failedStep.StepHash}' failed after {failedStep.Attempt + 1} attempt(s): {Short(ApiViewsJson.Json(failedStep.Detail))}";
                Set(entry, true, unreachable.Count > 0 && unreachable.Count >= errors.Count ? "app_unreachable" : "failed", why);
                if (failedStep is not null) entry["failedStep"] = failedStep.StepName ?? failedStep.StepHash;
                entry["error"] = ApiViewsJson.Json(run.Error);
                break;
            case RunStatus.Cancelled:
                var cancelError = ApiViewsJson.Json(run.Error);
                var timedOut = cancelError?["name"]?.GetValue<string>() == RunFinisher.TimedOutError;
                Set(entry, true, timedOut ? "timed_out" : "cancelled", Short(cancelError));
                if (timedOut) entry["timeout"] = cancelError!["timeout"]?.DeepClone();
                break;
            default:
                var waiting = history.LastOrDefault(h => h.Kind == HistoryKind.ConcurrencyWaiting);
                var note = waiting is not null ? $"; waiting for a concurrency slot {Short(ApiViewsJson.Json(waiting.Detail))}"
                    : unreachable.Count > 0 ? $"; the app was unreachable on {unreachable.Count} call(s), retrying" : "";
                Set(entry, true, run.Status == RunStatus.Queued ? "queued" : "running", reason + note);
                break;
        }
    }

    private async Task<JsonArray> CronFiresAsync(FunctionRecord fn, CancellationToken ct)
    {
        var runs = await store.Reader.ListRunsAsync(null, fn.Id, null, 200, ct);
        var fires = new JsonArray();
        foreach (var run in runs.Where(r => r.EventId.StartsWith("cron:", StringComparison.Ordinal)).Take(5))
            fires.Add(new JsonObject { ["eventId"] = run.EventId, ["runId"] = run.Id, ["status"] = run.Status.ToWire(), ["at"] = run.CreatedAt });
        var last = (await store.Reader.KvListAsync(CronTicker.Namespace, ct)).Where(e => e.Key.StartsWith(fn.Id + "\u001f", StringComparison.Ordinal));
        foreach (var (key, value, _) in last)
            fires.Add(new JsonObject { ["schedule"] = key[(fn.Id.Length + 1)..], ["lastTick"] = long.Parse(value, CultureInfo.InvariantCulture) });
        return fires;
    }

    private static void Set(JsonObject entry, bool ran, string verdict, string reason)
    {
        entry["ran"] = ran;
        entry["verdict"] = verdict;
        entry["reason"] = reason;
    }

    private static string Short(JsonNode? node)
    {
        var text = node switch { null => "", JsonObject o when o["message"] is JsonValue m => $"{o["name"]}: {m}", _ => node.ToJsonString() };
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
