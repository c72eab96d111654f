using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Engine.FlowControl;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Diagnostics;
using Switchyard.Engine.Triggers;

namespace Switchyard.Engine.Events;

/// <summary>The one path every event takes into the bus (Event API, steps, internal events): assign ids and
/// timestamps, match triggers, then in one durable transaction store the event (unless its id was seen within the
/// dedup window), apply flow control, record every decision, start the admitted runs and resume (or cancel) the runs
/// waiting for it.</summary>
public sealed class EventIngest(IStore store, TriggerMatcher matcher, RunAdmission admission, WaitResolver waits, ServerOptions options, TimeProvider time,
    IEnumerable<Lifecycle.IEventListener>? eventListeners = null)
{
    private readonly Lifecycle.IEventListener[] _eventListeners = [.. eventListeners ?? []];

    /// <summary>Ingests events; the returned ids are durable when the task completes. Duplicates keep their id.</summary>
    /// <param name="events">Validated events.</param>
    /// <param name="source">Where they came from (api, webhook, …).</param>
    /// <param name="cancellationToken">Cancels waiting for the commit (the write itself still happens).</param>
    /// <param name="parent">The sender's trace context (W3C <c>traceparent</c>), parent of each event's span.</param>
    public async Task<IReadOnlyList<string>> IngestAsync(IReadOnlyList<IncomingEvent> events, string source, CancellationToken cancellationToken, ActivityContext parent = default)
    {
        var prepared = Prepare(events, source);
        List<Activity>? spans = null;
        if (TraceContexts.Enabled)
        {
            spans = [];
            // Without a sender's context each event starts a trace of its own, whatever activity (e.g. the HTTP
            // server's, unsampled) happens to be current: otherwise the sampler follows that one and drops the span.
            var current = Activity.Current;
            foreach (var p in prepared)
            {
                if (parent == default) Activity.Current = null;
                var span = SwitchyardDiagnostics.Source.StartActivity($"event {p.Event.Name}", ActivityKind.Server, parent);
                if (span is null) continue;
                span.SetTag("switchyard.event.id", p.Event.Id).SetTag("switchyard.event.name", p.Event.Name).SetTag("switchyard.event.source", source);
                spans.Add(span);
                p.Trace = span.Context;
            }
            Activity.Current = current;
        }
        try
        {
            var ids = await WriteAsync(tx => Apply(tx, prepared), cancellationToken);
            SwitchyardDiagnostics.EventsIn.Add(ids.Length, new KeyValuePair<string, object?>("source", source));
            return ids;
        }
        finally
        {
            foreach (var span in spans ?? []) span.Stop();
        }
    }

    /// <summary>Ingests the internal events raised in <paramref name="tx"/> (<see cref="IStoreTransaction.Raise"/>), and
    /// those their runs raise in turn, before the transaction commits. Every engine write that can end a run calls
    /// this last, so internal events take the same path as any other and are committed with the ending.</summary>
    public void IngestRaised(IStoreTransaction tx)
    {
        for (var raised = tx.TakeRaised(); raised.Count > 0; raised = tx.TakeRaised())
            Apply(tx, Prepare(raised, "internal"));
    }

    /// <summary>Runs <paramref name="work"/> (engine transitions) in a durable transaction, then ingests the events it
    /// raised, in the same transaction.</summary>
    public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken) =>
        store.WriteAsync(tx =>
        {
            var result = work(tx);
            IngestRaised(tx);
            return result;
        }, cancellationToken);

    private List<Prepared> Prepare(IReadOnlyList<IncomingEvent> events, string source)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
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
            prepared.Add(new Prepared(new StoredEvent(0, id, e.Name, json.ToJsonString(), e.Ts ?? now, now, source), json, matches) { GeneratedId = e.Id is null });
        }
        return prepared;
    }

    private string[] Apply(IStoreTransaction tx, List<Prepared> prepared)
    {
        var ids = new string[prepared.Count];
        var since = tx.Now - (long)options.DedupWindow.TotalMilliseconds;
        // An id the server generated (a ULID) cannot repeat, so only ids the sender chose are checked, all at once.
        var claimed = tx.ClaimEventIds([.. prepared.Where(p => !p.GeneratedId).Select(p => p.Event.Id)], since);
        for (int i = 0, c = 0; i < prepared.Count; i++)
        {
            var p = prepared[i];
            ids[i] = p.Event.Id;
            if (!p.GeneratedId && !claimed[c++]) continue;
            var stored = p.Event with { ReceivedAt = tx.Now };
            stored = stored with { Seq = tx.InsertEvent(stored) };
            if (p.Trace != default) TraceContexts.Save(tx, "event:" + stored.Id, p.Trace);
            // Waits first: a run this event starts must not be cancelled by its own trigger.
            waits.OnEvent(tx, stored, p.Json);
            foreach (var match in p.Matches)
            {
                var result = match.Matched
                    ? admission.Admit(tx, stored, p.Json, match.Function, match.Reason)
                    : new AdmissionResult(match.Outcome, match.Reason, null);
                tx.InsertDecision(new Decision(stored.Id, stored.Seq, match.Function.Id, result.Outcome, result.Reason, result.RunId, tx.Now));
            }
            foreach (var listener in _eventListeners) listener.OnStored(tx, stored);
        }
        return ids;
    }

    private sealed record Prepared(StoredEvent Event, JsonObject Json, IReadOnlyList<TriggerMatch> Matches)
    {
        public ActivityContext Trace { get; set; }

        public bool GeneratedId { get; init; }
    }
}
