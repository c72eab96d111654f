using System.Text.Json.Nodes;
using Switchyard.Server.Configuration;
using Switchyard.Server.FlowControl;
using Switchyard.Server.Runs;
using Switchyard.Server.Storage;
using Switchyard.Server.Triggers;

namespace Switchyard.Server.Events;

/// <summary>The one path every event takes into the bus (Event API, steps, internal events): assign ids and
/// timestamps, match triggers, then in one durable transaction store the event (unless its id was seen within the
/// dedup window), apply flow control, record every decision, start the admitted runs and resume (or cancel) the runs
/// waiting for it.</summary>
public sealed class EventIngest(IStore store, TriggerMatcher matcher, RunAdmission admission, WaitResolver waits, ServerOptions options)
{
    /// <summary>Ingests events; the returned ids are durable when the task completes. Duplicates keep their id.</summary>
    public async Task<IReadOnlyList<string>> IngestAsync(IReadOnlyList<IncomingEvent> events, string source, CancellationToken cancellationToken)
    {
        var prepared = Prepare(events, source);
        return await store.WriteAsync(tx => Apply(tx, prepared), cancellationToken);
    }

    /// <summary>Ingests events inside a caller's transaction (events emitted by the engine itself).</summary>
    public IReadOnlyList<string> IngestInTransaction(IStoreTransaction tx, IReadOnlyList<IncomingEvent> events, string source) =>
        Apply(tx, Prepare(events, source));

    private List<Prepared> Prepare(IReadOnlyList<IncomingEvent> events, string source)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var prepared = new List<Prepared>(events.Count);
        foreach (var e in events)
        {
            var id = e.Id ?? Ulid.NewUlid().ToString();
            var json = new JsonObject
            {
                ["name"] = e.Name,
                ["data"] = e.Data,
                ["id"] = id,
                ["ts"] = e.Ts ?? now,
            };
            if (e.User is not null) json["user"] = e.User;
            if (e.V is not null) json["v"] = e.V;
            var matches = matcher.Match(e.Name, json);
            prepared.Add(new Prepared(new StoredEvent(0, id, e.Name, json.ToJsonString(), e.Ts ?? now, now, source), json, matches));
        }
        return prepared;
    }

    private string[] Apply(IStoreTransaction tx, List<Prepared> prepared)
    {
        var ids = new string[prepared.Count];
        var since = tx.Now - (long)options.DedupWindow.TotalMilliseconds;
        for (var i = 0; i < prepared.Count; i++)
        {
            var p = prepared[i];
            ids[i] = p.Event.Id;
            if (tx.EventSeenSince(p.Event.Id, since)) continue;
            var stored = p.Event with { ReceivedAt = tx.Now };
            stored = stored with { Seq = tx.InsertEvent(stored) };
            // Waits first: a run this event starts must not be cancelled by its own trigger.
            waits.OnEvent(tx, stored, p.Json);
            foreach (var match in p.Matches)
            {
                var result = match.Matched
                    ? admission.Admit(tx, stored, p.Json, match.Function, match.Reason)
                    : new AdmissionResult(match.Outcome, match.Reason, null);
                tx.InsertDecision(new Decision(stored.Id, stored.Seq, match.Function.Id, result.Outcome, result.Reason, result.RunId, tx.Now));
            }
        }
        return ids;
    }

    private sealed record Prepared(StoredEvent Event, JsonObject Json, IReadOnlyList<TriggerMatch> Matches);
}
