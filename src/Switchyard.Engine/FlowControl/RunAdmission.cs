using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Engine.Model;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.FlowControl;

/// <summary>Flow control between "matched" and "run created", inside the event's transaction: idempotency, rate
/// limit, singleton, debounce, batching, then throttle and priority (which set when the first call may happen)
/// and the concurrency slots the run will need. Every outcome is returned as a decision, so nothing is suppressed
/// without a trace.</summary>
public sealed class RunAdmission(RunStarter starter, FlowKeys keys, WorkQueue queue, FunctionRegistry registry, RunFinisher finisher)
{
    private const string IdempotencyNs = "idempotency";
    private const string RateLimitNs = "ratelimit";
    internal const string SingletonNs = "singleton";
    private const string DebounceNs = "debounce";
    private const string BatchNs = "batch";
    private const string ThrottleNs = "throttle";
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    /// <summary>Decides what happens to a matched event for <paramref name="fn"/>, starting a run when allowed.</summary>
    public AdmissionResult Admit(IStoreTransaction tx, StoredEvent ev, JsonObject json, FunctionRecord fn, string reason)
    {
        var flow = fn.Flow;
        if (ReferenceEquals(flow, FlowControlSpec.None) || IsPlain(flow))
            return new AdmissionResult(DecisionOutcome.Matched, reason, starter.Start(tx, ev, fn, reason).Id);
        var vars = new Dictionary<string, object?> { ["event"] = CelValues.From(json) };

        if (flow.Idempotency is { } idem)
        {
            var key = keys.Evaluate(idem, vars);
            if (tx.KvGet(IdempotencyNs, FlowKeys.Scoped(fn.Id, key)) is { } holder)
                return new AdmissionResult(DecisionOutcome.SkippedIdempotency, $"idempotency key '{key}' was used by run {holder} within 24 h", holder);
        }

        if (flow.RateLimit is { } rl)
        {
            var key = keys.Evaluate(rl.Key, vars);
            var kvKey = FlowKeys.Scoped(fn.Id, key);
            var since = tx.Now - (long)rl.Period.TotalMilliseconds;
            var stamps = (tx.KvGet(RateLimitNs, kvKey) is { } text ? JsonSerializer.Deserialize<List<long>>(text)! : []).Where(t => t > since).ToList();
            if (stamps.Count >= rl.Limit)
                return new AdmissionResult(DecisionOutcome.RateLimited,
                    $"dropped by rate limit {rl.Limit} per {TimeString.Format(rl.Period)}{KeyNote(rl.Key, key)}; next allowed at {DateTimeOffset.FromUnixTimeMilliseconds(stamps.Min() + (long)rl.Period.TotalMilliseconds):u}", null);
            stamps.Add(tx.Now);
            tx.KvPut(RateLimitNs, kvKey, JsonSerializer.Serialize(stamps), tx.Now + (long)rl.Period.TotalMilliseconds);
        }

        string? cancelledNote = null;
        if (flow.Singleton is { } sg)
        {
            var key = keys.Evaluate(sg.Key, vars);
            if (tx.KvGet(SingletonNs, FlowKeys.Scoped(fn.Id, key)) is { } holder && tx.GetRun(holder) is { } running && !RunStatuses.IsTerminal(running.Status))
            {
                if (sg.Mode == "skip")
                    return new AdmissionResult(DecisionOutcome.SingletonSkipped, $"singleton: run {holder} is still running{KeyNote(sg.Key, key)}", holder);
                finisher.Cancel(tx, running, $"cancelled by singleton (mode cancel): event {ev.Id} started a new run");
                cancelledNote = $"; cancelled singleton run {holder}";
            }
        }

        if (flow.Debounce is { } db)
            return Debounce(tx, ev, fn, db, keys.Evaluate(db.Key, vars));

        if (flow.Batch is { } batch && (batch.If is null || keys.Evaluate(batch.If, vars) == "true"))
            return Batch(tx, ev, fn, batch, keys.Evaluate(batch.Key, vars));

        var runId = StartRun(tx, ev, json, fn, reason + cancelledNote, null, null, out var note);
        return new AdmissionResult(DecisionOutcome.Matched, reason + cancelledNote + note, runId);
    }

    /// <summary>A debounce timer fired: start the run with the last event, unless a later event moved the timer.</summary>
    public void FireDebounce(IStoreTransaction tx, QueueItem item)
    {
        if (!tx.Dequeue(item.Id)) return;
        var (fnId, kvKey) = Payload(item);
        if (tx.KvGet(DebounceNs, kvKey) is not { } text) return;
        var state = JsonSerializer.Deserialize<DebounceState>(text)!;
        if (state.RunId != item.RunId || state.Due > tx.Now) return;
        tx.KvDelete(DebounceNs, kvKey);
        if (registry.Current.Function(fnId) is not { } fn || tx.EventBySeq(state.Seq) is not { } ev) return;
        StartRun(tx, ev, JsonNode.Parse(ev.Body)!.AsObject(), fn, $"debounce period ended; last of {state.Count} event(s)", state.RunId, null, out _);
    }

    /// <summary>A batch timeout fired: start the run with the events collected so far.</summary>
    public void FireBatch(IStoreTransaction tx, QueueItem item)
    {
        if (!tx.Dequeue(item.Id)) return;
        var (fnId, kvKey) = Payload(item);
        if (tx.KvGet(BatchNs, kvKey) is not { } text) return;
        var state = JsonSerializer.Deserialize<BatchState>(text)!;
        if (state.RunId != item.RunId) return;
        tx.KvDelete(BatchNs, kvKey);
        if (registry.Current.Function(fnId) is not { } fn || tx.EventBySeq(state.Seqs[0]) is not { } first) return;
        StartRun(tx, first, JsonNode.Parse(first.Body)!.AsObject(), fn, $"batch timeout reached with {state.Seqs.Count} event(s)", state.RunId, state.Seqs, out _);
    }

    private AdmissionResult Debounce(IStoreTransaction tx, StoredEvent ev, FunctionRecord fn, DebounceSpec db, string key)
    {
        var kvKey = FlowKeys.Scoped(fn.Id, key);
        var state = tx.KvGet(DebounceNs, kvKey) is { } text ? JsonSerializer.Deserialize<DebounceState>(text)! : new DebounceState(RunStarter.NewId(), 0, tx.Now, 0, 0);
        var due = tx.Now + (long)db.Period.TotalMilliseconds;
        if (db.Timeout is { } max) due = Math.Min(due, state.First + (long)max.TotalMilliseconds);
        state = state with { Seq = ev.Seq, Due = due, Count = state.Count + 1 };
        tx.KvPut(DebounceNs, kvKey, JsonSerializer.Serialize(state), null);
        queue.Enqueue(tx, new QueueItem(QueueItemIds.Debounce(state.RunId, ev.Seq), state.RunId, QueueItemKind.Debounce, "debounce", 0, due,
            JsonSerializer.Serialize(new[] { fn.Id, kvKey })));
        return new AdmissionResult(DecisionOutcome.Debounced,
            $"absorbed by debounce ({TimeString.Format(db.Period)}{KeyNote(db.Key, key)}) into run {state.RunId}, which starts at {DateTimeOffset.FromUnixTimeMilliseconds(due):u} with the last event unless another arrives",
            state.RunId);
    }

    private AdmissionResult Batch(IStoreTransaction tx, StoredEvent ev, FunctionRecord fn, BatchSpec batch, string key)
    {
        var kvKey = FlowKeys.Scoped(fn.Id, key);
        var state = tx.KvGet(BatchNs, kvKey) is { } text ? JsonSerializer.Deserialize<BatchState>(text)! : new BatchState(RunStarter.NewId(), [], tx.Now);
        state.Seqs.Add(ev.Seq);
        if (state.Seqs.Count == 1)
            queue.Enqueue(tx, new QueueItem(QueueItemIds.Batch(state.RunId), state.RunId, QueueItemKind.Batch, "batch", 0, tx.Now + (long)batch.Timeout.TotalMilliseconds,
                JsonSerializer.Serialize(new[] { fn.Id, kvKey })));
        if (state.Seqs.Count >= batch.MaxSize)
        {
            tx.KvDelete(BatchNs, kvKey);
            tx.DropQueueItem(QueueItemIds.Batch(state.RunId));
            var first = state.Seqs[0] == ev.Seq ? ev : tx.EventBySeq(state.Seqs[0])!;
            StartRun(tx, first, JsonNode.Parse(first.Body)!.AsObject(), fn, $"batch full ({batch.MaxSize} events)", state.RunId, state.Seqs, out _);
            return new AdmissionResult(DecisionOutcome.Batched, $"batched into run {state.RunId}, which started with {state.Seqs.Count} event(s) (batch full)", state.RunId);
        }
        tx.KvPut(BatchNs, kvKey, JsonSerializer.Serialize(state), null);
        return new AdmissionResult(DecisionOutcome.Batched,
            $"batched into run {state.RunId} ({state.Seqs.Count}/{batch.MaxSize}{KeyNote(batch.Key, key)}); it starts when full or {TimeString.Format(batch.Timeout)} after the first event", state.RunId);
    }

    /// <summary>Creates the run: throttle and priority set its first due time; concurrency slots and the singleton
    /// and idempotency keys are recorded.</summary>
    private string StartRun(IStoreTransaction tx, StoredEvent ev, JsonObject json, FunctionRecord fn, string reason, string? runId, IReadOnlyList<long>? batch, out string note)
    {
        var flow = fn.Flow;
        var vars = new Dictionary<string, object?> { ["event"] = CelValues.From(json) };
        runId ??= RunStarter.NewId();
        var due = tx.Now;
        note = "";
        if (flow.Throttle is { } th)
        {
            var key = keys.Evaluate(th.Key, vars);
            var kvKey = FlowKeys.Scoped(fn.Id, key);
            // GCRA as Inngest runs it: starts are spaced by period/limit, and `burst` more may start back to back on
            // top of the first (burst + 1 at once; no burst means strictly spaced).
            var interval = (long)(th.Period.TotalMilliseconds / th.Limit);
            var tolerance = interval * Math.Max(th.Burst, 0);
            var tat = tx.KvGet(ThrottleNs, kvKey) is { } t ? long.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : tx.Now;
            var startAt = Math.Max(tx.Now, tat - tolerance);
            var newTat = Math.Max(tat, tx.Now) + interval;
            tx.KvPut(ThrottleNs, kvKey, newTat.ToString(System.Globalization.CultureInfo.InvariantCulture), newTat + (long)th.Period.TotalMilliseconds);
            if (startAt > tx.Now)
            {
                due = startAt;
                note += $"; throttled ({th.Limit} per {TimeString.Format(th.Period)}{KeyNote(th.Key, key)}) until {DateTimeOffset.FromUnixTimeMilliseconds(startAt):u}";
            }
        }
        if (flow.Priority is { } priority)
        {
            // Priority gives up to 600 s of head start (or delay) in the queue, as Inngest's priority.run does.
            var seconds = keys.Integer(priority, vars, -600, 600);
            due -= seconds * 1000;
        }
        var slots = flow.Concurrency.Select(c => new ConcurrencySlot(c.Scope switch
        {
            "app" => $"app:{fn.AppId}:{keys.Evaluate(c.Key, vars)}",
            "account" => $"account:{keys.Evaluate(c.Key, vars)}",
            _ => $"fn:{fn.Id}:{keys.Evaluate(c.Key, vars)}",
        }, c.Limit)).ToList();
        string? singletonKey = flow.Singleton is { } sg ? FlowKeys.Scoped(fn.Id, keys.Evaluate(sg.Key, vars)) : null;
        starter.Start(tx, ev, fn, reason + note, new StartOptions(RunId: runId, Batch: batch, DueAt: due, Flow: new RunFlow { Concurrency = slots, Singleton = singletonKey }));
        if (singletonKey is not null) tx.KvPut(SingletonNs, singletonKey, runId, null);
        if (flow.Idempotency is { } idem)
            tx.KvPut(IdempotencyNs, FlowKeys.Scoped(fn.Id, keys.Evaluate(idem, vars)), runId, tx.Now + (long)IdempotencyWindow.TotalMilliseconds);
        return runId;
    }

    private static bool IsPlain(FlowControlSpec f) =>
        f.Concurrency.Count == 0 && f.Throttle is null && f.RateLimit is null && f.Debounce is null && f.Batch is null && f.Priority is null &&
        f.Idempotency is null && f.Singleton is null;

    private static string KeyNote(string? expression, string key) => expression is null ? "" : $" for key '{key}' ({expression})";

    private static (string FunctionId, string KvKey) Payload(QueueItem item)
    {
        var parts = JsonSerializer.Deserialize<string[]>(item.Payload!)!;
        return (parts[0], parts[1]);
    }

    private sealed record DebounceState(string RunId, long Seq, long First, long Due, int Count);

    private sealed record BatchState(string RunId, List<long> Seqs, long First);
}
