using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Client.Models;
using Switchyard.Engine.Parsing;

namespace Switchyard.Engine.Insight;

/// <summary>Builds the REST API's records (defined once, in Switchyard.Client) from the store's records.</summary>
internal static class ApiViews
{
    public static EventView Event(StoredEvent e)
    {
        // A body stored before today's limits may not parse within them; the event still lists, without its data.
        if (JsonLimits.ParseStored(e.Body) is not JsonObject body)
            return new EventView(e.Id, e.Seq, e.Name, e.Ts, e.ReceivedAt, e.Source, JsonLimits.ParseStored(e.Body), null);
        // Detached from the parsed body, so a caller may put them into another document.
        body.Remove("data", out var data);
        body.Remove("user", out var user);
        return new EventView(e.Id, e.Seq, e.Name, e.Ts, e.ReceivedAt, e.Source, data, user);
    }

    public static AppView App(AppRecord a, FunctionRegistry.Snapshot snapshot) =>
        new(a.Id, snapshot.Role(a.Id), a.Url, a.Sdk, a.Framework, a.SyncedAt, a.CreatedAt, snapshot.Functions.Count(f => f.AppId == a.Id));

    public static FunctionView Function(FunctionRecord f, FunctionRegistry.Snapshot snapshot) =>
        new(f.Id, f.Name, f.AppId, snapshot.Role(f.AppId), f.Config.Step?.Runtime.Url, f.Paused, f.Config.Triggers, f.Config.MaxAttempts,
            snapshot.Function(f.Id)?.AppId, snapshot.Functions.Count(x => x.Id == f.Id) > 1);

    public static RunView Run(RunRecord r) => new(r.Id, r.FunctionId, r.AppId, r.EventId, r.Status.ToWire(), r.CreatedAt, r.StartedAt, r.EndedAt,
        r.EndedAt is { } end ? end - (r.StartedAt ?? r.CreatedAt) : null, Json(r.Output), Json(r.Error), r.ParentRunId);

    public static StepView Step(MemoizedStep s) => new(s.Hash, s.Name, Json(s.Value), s.Seq);

    public static HistoryView History(HistoryEntry h) => new(h.At, h.Kind.ToWire(), h.StepHash, h.StepName, h.Op, h.Attempt, h.DurationMs, Json(h.Detail));

    public static DecisionView Decision(Decision d) => new(d.FunctionId, d.Outcome.ToWire(), d.Reason, d.RunId, d.At);

    public static JsonNode? Json(string? text) => JsonLimits.ParseStored(text);
}
