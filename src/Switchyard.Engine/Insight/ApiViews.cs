using System.Text.Json.Nodes;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Triggers;

namespace Switchyard.Engine.Insight;

/// <summary>The JSON shapes of the REST API; one place, so the CLI and dashboard read the same fields.</summary>
public static class ApiViews
{
    public static object Event(StoredEvent e)
    {
        var body = JsonNode.Parse(e.Body)!.AsObject();
        return new { id = e.Id, seq = e.Seq, name = e.Name, ts = e.Ts, receivedAt = e.ReceivedAt, source = e.Source, data = body["data"], user = body["user"] };
    }

    public static object App(AppRecord a, FunctionRegistry.Snapshot snapshot) => new
    {
        id = a.Id, role = snapshot.Role(a.Id), url = a.Url, sdk = a.Sdk, framework = a.Framework, syncedAt = a.SyncedAt, createdAt = a.CreatedAt,
        functionCount = snapshot.Functions.Count(f => f.AppId == a.Id),
    };

    public static object Function(FunctionRecord f, FunctionRegistry.Snapshot snapshot)
    {
        var owner = snapshot.Function(f.Id);
        return new
        {
            id = f.Id, name = f.Name, appId = f.AppId, role = snapshot.Role(f.AppId), url = f.Config.Step?.Runtime.Url, paused = f.Paused,
            triggers = f.Config.Triggers, maxAttempts = f.Config.MaxAttempts,
            owner = owner?.AppId,
            conflict = snapshot.Functions.Count(x => x.Id == f.Id) > 1,
        };
    }

    public static object Run(RunRecord r) => new
    {
        id = r.Id, functionId = r.FunctionId, appId = r.AppId, eventId = r.EventId, status = r.Status,
        createdAt = r.CreatedAt, startedAt = r.StartedAt, endedAt = r.EndedAt,
        durationMs = r.EndedAt is { } end ? end - (r.StartedAt ?? r.CreatedAt) : (long?)null,
        output = Json(r.Output), error = Json(r.Error), parentRunId = r.ParentRunId,
    };

    public static object Step(MemoizedStep s) => new { hash = s.Hash, name = s.Name, value = Json(s.Value), order = s.Seq };

    public static object History(HistoryEntry h) => new
    {
        at = h.At, kind = h.Kind, stepHash = h.StepHash, stepName = h.StepName, op = h.Op, attempt = h.Attempt,
        durationMs = h.DurationMs, detail = Json(h.Detail),
    };

    public static object Decision(Decision d) => new { functionId = d.FunctionId, outcome = d.Outcome, reason = d.Reason, runId = d.RunId, at = d.At };

    public static JsonNode? Json(string? text)
    {
        if (text is null) return null;
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return JsonValue.Create(text); }
    }
}
