using System.Data.Common;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Switchyard.Protocol;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Postgres;

/// <summary>The writer connection's view of the current PostgreSQL transaction. Several replicas write at once, so
/// reads that decide a write lock what they read: runs with <c>FOR UPDATE</c>, and absent rows (event ids, kv keys,
/// waits per event name) with transaction-scoped advisory locks.</summary>
internal sealed class PostgresTransaction(NpgsqlConnection connection, string location) : IStoreTransaction, ITelemetryTransaction, IDisposable
{
    private readonly List<Action> _callbacks = [];
    private readonly RaisedEvents _raised = new();
    private readonly EventSeqBlock _seqs = new();
    // Event names this transaction holds the lock of and found no waits for (see WaitsForEvent).
    private readonly HashSet<string> _noWaits = new(StringComparer.Ordinal);
    private bool _notified;

    public NpgsqlTransaction? Transaction { get; set; }
    public long Now { get; set; }
    public IReadOnlyList<Action> Callbacks => _callbacks;
    public int CallbackMark => _callbacks.Count;
    public void TruncateCallbacks(int mark) => _callbacks.RemoveRange(mark, _callbacks.Count - mark);

    public void Reset()
    {
        _callbacks.Clear();
        _notified = false;
        _seqs.EndTransaction();
        _noWaits.Clear();
        DropPending();
        _released = false;
        _undone = false;
    }

    public void OnCommitted(Action action) => _callbacks.Add(action);

    /// <inheritdoc />
    public void Raise(IncomingEvent internalEvent) => _raised.Add(internalEvent);

    /// <inheritdoc />
    public IReadOnlyList<IncomingEvent> TakeRaised() => _raised.Take();

    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    // Events

    public bool ClaimEventId(string id, long sinceMs) => Command(
        """
        INSERT INTO event_ids(id, received_at) VALUES ($1, $2)
        ON CONFLICT (id) DO UPDATE SET received_at = EXCLUDED.received_at WHERE event_ids.received_at < $3
        RETURNING 1
        """, S(id), L(Now), L(sinceMs)).ExecuteScalar() is not null;

    public IReadOnlyList<bool> ClaimEventIds(IReadOnlyList<string> ids, long sinceMs)
    {
        if (ids.Count == 0) return [];
        // One statement for the batch; an id may appear once in it (ON CONFLICT cannot touch a row twice).
        var claimed = Query("""
            INSERT INTO event_ids(id, received_at) SELECT id, $2 FROM unnest($1::text[]) AS u(id)
            ON CONFLICT (id) DO UPDATE SET received_at = EXCLUDED.received_at WHERE event_ids.received_at < $3
            RETURNING id
            """, r => r.GetString(0), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = ids.Distinct(StringComparer.Ordinal).ToArray() },
            L(Now), L(sinceMs)).ToHashSet(StringComparer.Ordinal);
        // The first of a repeated id takes the claim; the rest are its duplicates.
        return [.. ids.Select(id => claimed.Remove(id))];
    }

    public long InsertEvent(StoredEvent e)
    {
        // The seq is reserved ahead (EventSeqBlock), so nothing waits for the insert's answer: it travels deferred.
        var seq = _seqs.Take(count => [.. Query("SELECT nextval('events_seq_seq') FROM generate_series(1, $1) ORDER BY 1", r => r.GetInt64(0), I(count))]);
        QueueRow(_eventRows, seq, e.Id, e.Name, e.Body, e.Ts, e.ReceivedAt, e.Source);
        return seq;
    }

    // Replicas commit out of sequence order, so the lookback position is a time (see PostgresReader).
    public IReadOnlyList<StoredEvent> EventsSince(string name, long position, int limit) => Query(
        $"SELECT {StoreRows.EventColumns} FROM events WHERE name = $1 AND received_at > $2 ORDER BY seq LIMIT $3", StoreRows.Event, S(name), L(position), I(limit));

    public StoredEvent? EventBySeq(long seq) =>
        Query($"SELECT {StoreRows.EventColumns} FROM events WHERE seq = $1", StoreRows.Event, L(seq)).FirstOrDefault();

    // Key-value state

    public string? KvGet(string ns, string key)
    {
        // Two replicas deciding on the same absent key (an idempotency key, a debounce) must not both see "absent".
        // Lock, then read in a separate statement: a statement's snapshot is taken when it starts, so a read in the
        // same statement as the lock wait would miss what the holder committed. The two still travel in one batch
        // (one round trip): PostgreSQL runs a batch's statements one after another, the read's snapshot after the lock.
        Lock("kv", ns + "\u001f" + key);
        return Command("SELECT value FROM kv WHERE ns = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)", S(ns), S(key), L(Now)).ExecuteScalar() as string;
    }

    public void KvPut(string ns, string key, string value, long? expiresAt) => Command(
        """
        INSERT INTO kv(ns, key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
        """, S(ns), S(key), S(value), L(expiresAt), L(Now)).Defer();

    public bool KvDelete(string ns, string key) => Command("DELETE FROM kv WHERE ns = $1 AND key = $2", S(ns), S(key)).ExecuteNonQuery() > 0;

    public IReadOnlyList<(string Key, string Value, long? ExpiresAt)> KvList(string ns) => Query(
        "SELECT key, value, expires_at FROM kv WHERE ns = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY key",
        r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), S(ns), L(Now));

    public void ReplicaBeat(ReplicaRecord r, long forgetBefore)
    {
        Command($"""
            INSERT INTO replicas({StoreRows.ReplicaColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, version = EXCLUDED.version, last_beat_at = EXCLUDED.last_beat_at, stopped_at = EXCLUDED.stopped_at
            """, S(r.Id), S(r.Address), S(r.Version), L(r.StartedAt), L(r.LastBeatAt), L(r.StoppedAt)).ExecuteNonQuery();
        Command("DELETE FROM replicas WHERE last_beat_at < $1", L(forgetBefore)).ExecuteNonQuery();
    }

    public int KvPrune() => Command("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= $1", L(Now)).ExecuteNonQuery();

    // Registry

    public void UpsertApp(AppRecord a) => Command(
        $"""
        INSERT INTO apps({StoreRows.AppColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, framework = EXCLUDED.framework, checksum = EXCLUDED.checksum,
            synced_at = EXCLUDED.synced_at, created_at = EXCLUDED.created_at, function_count = EXCLUDED.function_count
        """, S(a.Id), S(a.Url), S(a.Sdk), S(a.Framework), S(a.Checksum), L(a.SyncedAt), L(a.CreatedAt), I(a.FunctionCount)).Defer();

    public IReadOnlyList<string> ReplaceFunctions(string appId, IReadOnlyList<FunctionRecord> functions)
    {
        Lock("app", appId);
        var existing = Query("SELECT id, paused FROM functions WHERE app_id = $1", r => (Id: r.GetString(0), Paused: r.GetInt32(1) != 0), S(appId));
        var keep = functions.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var removed = existing.Where(e => !keep.Contains(e.Id)).Select(e => e.Id).ToList();
        foreach (var id in removed) Command("DELETE FROM functions WHERE id = $1 AND app_id = $2", S(id), S(appId)).Defer();
        var paused = existing.Where(e => e.Paused).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var f in functions)
        {
            Command($"""
                INSERT INTO functions({StoreRows.FunctionColumns}) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id, app_id) DO UPDATE SET config = EXCLUDED.config, paused = EXCLUDED.paused, updated_at = EXCLUDED.updated_at
                """, S(f.Id), S(f.AppId), S(JsonSerializer.Serialize(f.Config, ProtocolJson.Options)), I(paused.Contains(f.Id) || f.Paused ? 1 : 0), L(f.UpdatedAt)).Defer();
        }
        return removed;
    }

    public bool SetPaused(string functionId, bool paused) =>
        Command("UPDATE functions SET paused = $2 WHERE id = $1", S(functionId), I(paused ? 1 : 0)).ExecuteNonQuery() > 0;

    // Runs

    public void InsertRun(RunRecord r) => Command(
        $"INSERT INTO runs({StoreRows.RunColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        S(r.Id), S(r.FunctionId), S(r.AppId), S(r.EventId), L(r.EventSeq), S(r.Status.ToWire()), L(r.CreatedAt), L(r.StartedAt), L(r.EndedAt), S(r.Output), S(r.Error),
        I(r.Version), I(r.ForcePlan ? 1 : 0), S(StoreRows.Pending(r.Pending)), S(r.ParentRunId), S(r.ParentStep), S(r.Flow),
        S(r.Batch is null ? null : JsonSerializer.Serialize(r.Batch))).Defer();

    // Everything that changes a run reads it first: locking the row here serializes replicas working on one run.
    public RunRecord? GetRun(string runId) =>
        Query($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $1 FOR UPDATE", StoreRows.Run, S(runId)).FirstOrDefault();

    public RunRecord? DequeueWithRun(string itemId, string runId) =>
        WithRun("DELETE FROM queue WHERE id = $1 RETURNING 1", [S(itemId)], runId);

    public RunRecord? HoldQueueItemWithRun(string runId, string itemId) =>
        WithRun("SELECT 1 FROM queue WHERE id = $1 AND run_id = $2 FOR UPDATE", [S(itemId), S(runId)], runId);

    /// <summary>Runs <paramref name="itemSql"/> (a row when the queue item is there) and the run's locking read in one
    /// round trip, in that order, so locks are taken as the two separate calls take them. The run is read (and locked)
    /// even when the item is gone, which only holds its lock until the commit.</summary>
    private RunRecord? WithRun(string itemSql, NpgsqlParameter[] itemArgs, string runId)
    {
        Queue(itemSql, itemArgs, returnsRows: true);
        return Run($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $1 FOR UPDATE", [S(runId)], batch =>
        {
            using var reader = batch.ExecuteReader();
            for (var i = 0; i < _sentRowSets - 1; i++) reader.NextResult();
            var itemThere = reader.Read();
            reader.NextResult();
            return itemThere && reader.Read() ? StoreRows.Run(reader) : null;
        });
    }

    public void UpdateRun(RunRecord r)
    {
        var update = new NpgsqlBatchCommand("UPDATE runs SET status = $2, started_at = $3, ended_at = $4, output = $5, error = $6, version = $7, force_plan = $8, pending = $9 WHERE id = $1");
        update.Parameters.AddRange(new NpgsqlParameter[] { S(r.Id), S(r.Status.ToWire()), L(r.StartedAt), L(r.EndedAt), S(r.Output), S(r.Error), I(r.Version), I(r.ForcePlan ? 1 : 0), S(StoreRows.Pending(r.Pending)) });
        // An update sets every mutable field, so a later one of the same run supersedes an earlier one still deferred
        // in this work (a call's answer starts the run, memoizes its steps and completes it: three updates): it takes
        // the earlier one's place. No deferred statement reads runs, and a read of one sends what is deferred first
        // (which forgets these places), so nothing can see the run between the two. Each update of an indexed status
        // is a new row version in all six of the table's indexes; one instead of three per run.
        if (_runUpdates.TryGetValue(r.Id, out var at) && at >= _workStart && at < _pending.Count)
            _pending[at] = update;
        else
        {
            _runUpdates[r.Id] = _pending.Count;
            _pending.Add(update);
        }
        // A caller waiting for this run (an invoke, `?wait`) may be on another replica: tell every replica when the
        // run ends. PostgreSQL delivers the notification at commit and drops it with a rolled-back savepoint, and it
        // travels with the work's other deferred writes, so it costs no round trip.
        // NOTIFY rather than pg_notify(): a deferred statement must return no rows (the next read takes the first
        // result), and NOTIFY takes no parameters, so the id (a server-made ULID) goes in as an escaped literal.
        if (RunStatuses.IsTerminal(r.Status)) Command($"NOTIFY {RunEndChannel}, '{r.Id.Replace("'", "''", StringComparison.Ordinal)}'").Defer();
    }

    /// <summary>The LISTEN/NOTIFY channel on which a run's end is announced, with the run id as payload.</summary>
    public const string RunEndChannel = "switchyard_run_end";

    public bool StepExists(string runId, string hash) =>
        Command("SELECT 1 FROM steps WHERE run_id = $1 AND hash = $2", S(runId), S(hash)).ExecuteScalar() is not null;

    public IReadOnlySet<string> ExistingSteps(string runId, IReadOnlyCollection<string> hashes) => hashes.Count == 0
        ? new HashSet<string>(StringComparer.Ordinal)
        : Query("SELECT hash FROM steps WHERE run_id = $1 AND hash = ANY($2)", r => r.GetString(0),
            S(runId), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = hashes.ToArray() }).ToHashSet(StringComparer.Ordinal);

    private const string InsertStepSql = """
        INSERT INTO steps(run_id, hash, seq, name, value)
        VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = $1), $3, $4)
        ON CONFLICT (run_id, hash) DO NOTHING
        """;

    public bool InsertStep(string runId, string hash, string? name, string valueJson) =>
        Command(InsertStepSql, S(runId), S(hash), S(name), S(valueJson)).ExecuteNonQuery() > 0;

    // Nobody reads the answer: deferred with the next round trip.
    public void MemoizeStep(string runId, string hash, string? name, string valueJson) =>
        Command(InsertStepSql, S(runId), S(hash), S(name), S(valueJson)).Defer();

    public void AppendHistory(HistoryEntry h) =>
        QueueRow(_historyRows, h.RunId, h.At, h.Kind.ToWire(), h.StepHash, h.StepName, h.Op, h.Attempt, h.DurationMs, h.Detail);

    public void InsertDecision(Decision d) =>
        QueueRow(_decisionRows, d.EventId, d.EventSeq, d.FunctionId, d.Outcome.ToWire(), d.Reason, d.RunId, d.At);

    // Queue

    public void Enqueue(QueueItem q)
    {
        Command($"INSERT INTO queue({StoreRows.QueueColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
            S(q.Id), S(q.RunId), S(q.Kind.ToWire()), S(q.StepId), I(q.Attempt), L(q.DueAt), S(q.Payload)).Defer();
        if (_notified) return;
        // Delivered at commit to every replica's scheduler, so new work is picked up without waiting for a poll.
        Command("NOTIFY switchyard_queue").Defer();
        _notified = true;
    }

    public bool Dequeue(string itemId) => Command("DELETE FROM queue WHERE id = $1", S(itemId)).ExecuteNonQuery() > 0;

    public void DropQueueItem(string itemId) => Command("DELETE FROM queue WHERE id = $1", S(itemId)).Defer();

    public bool HoldQueueItem(string runId, string itemId) =>
        Command("SELECT 1 FROM queue WHERE id = $1 AND run_id = $2 FOR UPDATE", S(itemId), S(runId)).ExecuteScalar() is not null;

    public IReadOnlyList<string> DequeueRun(string runId) => Query("DELETE FROM queue WHERE run_id = $1 RETURNING id", r => r.GetString(0), S(runId));

    public void DropRunQueue(string runId) => Command("DELETE FROM queue WHERE run_id = $1", S(runId)).Defer();

    // Work queue

    public void InsertWorkItem(WorkItem w) => Command(
        $"INSERT INTO work_items({StoreRows.WorkItemColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        S(w.Id), S(w.Family), I((int)w.Priority), S(w.Data), S(w.DedupKey), S(w.State.ToWire()), L(w.EnqueuedAt), I(w.Attempt), L(w.NotBefore),
        L(w.DispatchedAt), L(w.FinishedAt), L(w.LeaseUntil), S(w.Error), S(w.Result), I(w.Deduplicated)).Defer();

    // Everything that changes an item reads it first: locking the row serializes replicas working on one item.
    public WorkItem? GetWorkItem(string id) =>
        Query($"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE id = $1 FOR UPDATE", StoreRows.WorkItem, S(id)).FirstOrDefault();

    public void UpdateWorkItem(WorkItem w) => Command(
        "UPDATE work_items SET state = $2, attempt = $3, not_before = $4, dispatched_at = $5, finished_at = $6, lease_until = $7, error = $8, result = $9, deduplicated = $10 WHERE id = $1",
        S(w.Id), S(w.State.ToWire()), I(w.Attempt), L(w.NotBefore), L(w.DispatchedAt), L(w.FinishedAt), L(w.LeaseUntil), S(w.Error), S(w.Result), I(w.Deduplicated)).Defer();

    public int CountActiveWork(string family)
    {
        // Replicas dispatching one family take turns: the lock is held until commit, so the count and the claim that
        // follows it cannot interleave with another replica's.
        Lock("work", family);
        return Convert.ToInt32(Command("SELECT COUNT(*) FROM work_items WHERE family = $1 AND state = 'active'", S(family)).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public IReadOnlyList<WorkItem> QueuedWork(string family, Switchyard.Configuration.QueuePriority priority, long dueBy, int limit) => Query(
        $"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE family = $1 AND state = 'queued' AND priority = $2 AND not_before <= $3 ORDER BY enqueued_at, seq LIMIT $4",
        StoreRows.WorkItem, S(family), I((int)priority), L(dueBy), I(limit));

    public IReadOnlyList<WorkItem> ExpiredWorkLeases(string family, long now) => Query(
        $"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE family = $1 AND state = 'active' AND lease_until < $2",
        StoreRows.WorkItem, S(family), L(now));

    // Retention

    private static readonly (string Table, string Key)[] RunRows = [("steps", "ctid"), ("history", "seq"), ("decisions", "seq"), ("queue", "id"), ("waits", "id")];

    public RetentionCounts PruneRuns(RetentionCutoffs c, int limit)
    {
        // FOR UPDATE SKIP LOCKED: two replicas sweeping at once take different runs instead of waiting on each other.
        var ids = Query($"SELECT id FROM runs WHERE {StoreRows.ExpiredRuns("$1", "$2", "$3")} LIMIT $4 FOR UPDATE SKIP LOCKED", r => r.GetString(0), L(c.Completed), L(c.Failed), L(c.Cancelled), I(limit));
        var budget = limit;
        var deleted = new long[RunRows.Length + 1];
        foreach (var id in ids)
        {
            for (var t = 0; t < RunRows.Length; t++)
            {
                var (table, key) = RunRows[t];
                var n = Command($"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} WHERE run_id = $1 LIMIT $2)", S(id), I(budget)).ExecuteNonQuery();
                deleted[t] += n;
                budget -= n;
                // Out of budget: the run stays (its rows may not all be gone) and the next slice finishes it.
                if (budget == 0) return Counts(deleted);
            }
            deleted[^1] += Command("DELETE FROM runs WHERE id = $1", S(id)).ExecuteNonQuery();
            if (--budget == 0) break;
        }
        return Counts(deleted);

        static RetentionCounts Counts(long[] d) => new(Runs: d[5], Steps: d[0], History: d[1], Decisions: d[2], QueueItems: d[3], Waits: d[4]);
    }

    public RetentionCounts PruneEvents(long beforeMs, int limit)
    {
        var candidates = Query($"SELECT seq, received_at FROM events e WHERE {StoreRows.UnreferencedEvents("$1")} LIMIT $2 FOR UPDATE SKIP LOCKED",
            r => (Seq: r.GetInt64(0), ReceivedAt: r.GetInt64(1)), L(beforeMs), I(limit));
        long events = 0, decisions = 0;
        var budget = limit;
        if (candidates.Count > 0)
        {
            var held = StoreRows.BatchMembers(Query("SELECT batch FROM runs WHERE batch IS NOT NULL AND created_at >= $1",
                r => r.GetString(0), L(candidates.Min(e => e.ReceivedAt))));
            foreach (var (seq, _) in candidates.Where(e => !held.Contains(e.Seq)))
            {
                var n = Command("DELETE FROM decisions WHERE seq IN (SELECT seq FROM decisions WHERE event_seq = $1 LIMIT $2)", L(seq), I(budget)).ExecuteNonQuery();
                decisions += n;
                budget -= n;
                if (budget == 0) break;
                events += Command("DELETE FROM events WHERE seq = $1", L(seq)).ExecuteNonQuery();
                if (--budget == 0) break;
            }
        }
        // Dedup claims live apart from events here; events are kept at least the dedup window, so their claims may go too.
        if (budget > 0)
            Command("DELETE FROM event_ids WHERE id IN (SELECT id FROM event_ids WHERE received_at < $1 LIMIT $2)", L(beforeMs), I(budget)).ExecuteNonQuery();
        return new RetentionCounts(Events: events, Decisions: decisions);
    }

    public int PruneWorkItems(long beforeMs, int limit) => Command(
        "DELETE FROM work_items WHERE seq IN (SELECT seq FROM work_items WHERE finished_at < $1 AND state IN ('done', 'failed') LIMIT $2)", L(beforeMs), I(limit)).ExecuteNonQuery();

    // Waits

    public void InsertWait(WaitRecord w)
    {
        // Serializes with events of the same name being stored, so the lookback and the event path cannot both miss.
        if (w.EventName is not null)
        {
            _noWaits.Remove(w.EventName);
            Lock("event", w.EventName);
        }
        Command($"""
            INSERT INTO waits({StoreRows.WaitColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at
            """, S(w.Id), S(w.RunId), S(w.StepHash), S(w.Kind.ToWire()), S(w.EventName), S(w.Expression), S(w.Correlation), L(w.ExpiresAt), L(w.CreatedAt)).Defer();
    }

    public IReadOnlyList<WaitRecord> WaitsForEvent(string eventName)
    {
        // Once this transaction holds the name's lock it keeps it until commit, and every wait for the name is inserted
        // under that lock: no other replica can add one meanwhile, so "none" stays true until this transaction inserts
        // one itself (InsertWait forgets the name) or rolls back the work that took the lock (RollbackToSavepoint).
        // Most event names have no waits: a batch of them costs one look, not one round trip per event.
        if (_noWaits.Contains(eventName)) return [];
        Lock("event", eventName);
        var waits = Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE event_name = $1 AND kind IN ('event', 'cancel') ORDER BY created_at", StoreRows.Wait, S(eventName));
        if (waits.Count == 0) _noWaits.Add(eventName);
        return waits;
    }

    public WaitRecord? WaitForChild(string childRunId) =>
        Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE correlation = $1 AND kind = 'invoke'", StoreRows.Wait, S(childRunId)).FirstOrDefault();

    public WaitRecord? GetWait(string waitId) =>
        Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE id = $1", StoreRows.Wait, S(waitId)).FirstOrDefault();

    public bool DeleteWait(string waitId) => Command("DELETE FROM waits WHERE id = $1", S(waitId)).ExecuteNonQuery() > 0;

    public void DeleteWaits(string runId) => Command("DELETE FROM waits WHERE run_id = $1", S(runId)).Defer();

    // Telemetry

    // The columns a telemetry record is inserted into (InsertTelemetry, and AppendTelemetry's multi-row insert).
    private const string TelemetryInsertColumns =
        "id, ts, received_at, level, source, component, action, duration_ms, success, error, metadata, session_id, system_id, run_id, event_id";

    public bool InsertTelemetry(TelemetryRecord t) => Command($"""
        INSERT INTO telemetry({TelemetryInsertColumns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING
        """, S(t.Id), L(t.Timestamp), L(t.ReceivedAt), S(t.Level), S(t.Source), S(t.Component), S(t.Action), D(t.DurationMs),
        I(t.Success is { } ok ? (ok ? 1 : 0) : null), S(t.Error), S(t.Metadata), S(t.SessionId), S(t.SystemId), S(t.RunId), S(t.EventId)).ExecuteNonQuery() > 0;

    // The engine's own telemetry (TelemetrySink) does not read the answer: deferred, a flush is one round trip.
    public void AppendTelemetry(TelemetryRecord t) => QueueRow(_telemetryRows, t.Id, t.Timestamp, t.ReceivedAt, t.Level, t.Source, t.Component, t.Action,
        t.DurationMs, t.Success is { } ok ? (ok ? 1 : 0) : null, t.Error, t.Metadata, t.SessionId, t.SystemId, t.RunId, t.EventId);

    public int PruneTelemetry(long beforeMs, int limit) =>
        Command("DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE received_at < $1 LIMIT $2)", L(beforeMs), I(limit)).ExecuteNonQuery();

    // Plumbing

    private void Lock(string scope, string key) =>
        Command("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", S(scope + ":" + key)).Defer(returnsRows: true);

    private List<T> Query<T>(string sql, Func<DbDataReader, T> map, params NpgsqlParameter[] args) => Run(sql, args, batch =>
    {
        using var reader = batch.ExecuteReader();
        // Deferred statements come first. The reader passes over those without rows itself; the advisory locks return
        // a row each, so skip their results.
        for (var i = 0; i < _sentRowSets; i++) reader.NextResult();
        var list = new List<T>();
        while (reader.Read()) list.Add(map(reader));
        return list;
    });

    /// <summary>Sends what is deferred with <paramref name="sql"/> (one round trip) and runs the batch. When the
    /// batch carried writes of works already released and it fails, those writes are lost with it (the failing
    /// statement aborted the batch before them, or after their RELEASE): <see cref="ReleasedWritesLostException"/>
    /// tells the writer to run the whole transaction again.</summary>
    private T Run<T>(string? sql, NpgsqlParameter[] args, Func<NpgsqlBatch, T> run)
    {
        var carriesReleased = _released;
        using var batch = Send(sql, args);
        try
        {
            return run(batch);
        }
        catch (Exception ex) when (carriesReleased)
        {
            throw new ReleasedWritesLostException(ex);
        }
    }

    private Statement Command(string sql, params NpgsqlParameter[] args) => new(this, sql, args);

    /// <summary>One statement of the current transaction: deferred (sent with the next statement whose answer is
    /// needed, or when the caller's work ends) or executed now together with whatever is deferred.</summary>
    private readonly record struct Statement(PostgresTransaction Tx, string Sql, NpgsqlParameter[] Args)
    {
        /// <summary>Queues the statement; its errors surface when it is sent, still inside the caller's work.</summary>
        public void Defer(bool returnsRows = false) => Tx.Queue(Sql, Args, returnsRows);

        public int ExecuteNonQuery() => Tx.Run(Sql, Args, batch =>
        {
            batch.ExecuteNonQuery();
            return batch.BatchCommands[^1].RecordsAffected;
        });

        public object? ExecuteScalar()
        {
            var rows = Tx.Query(Sql, r => r.IsDBNull(0) ? DBNull.Value : r.GetValue(0), Args);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    /// <summary>Deferred statements, in order. Writes whose result nobody reads wait here and travel with the next
    /// statement that needs an answer, so a caller's writes cost one round trip instead of one each.</summary>
    private readonly List<NpgsqlBatchCommand> _pending = [];
    // Events, decisions, history and the engine's telemetry deferred together go in one multi-row statement each,
    // queued where the first row was: no deferred statement reads or deletes from those tables (retention's deletes
    // are answered, so the rows before them are sent first), so the later rows moving up to it changes no outcome.
    // One statement instead of one per row: a run's seven history rows cost PostgreSQL one bind and execute.
    private readonly UnnestInsert _eventRows = new("events", StoreRows.EventColumns,
        NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text);
    private readonly UnnestInsert _decisionRows = new("decisions", StoreRows.DecisionColumns,
        NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint);
    private readonly UnnestInsert _historyRows = new("history", "run_id, at, kind, step_hash, step_name, op, attempt, duration_ms, detail",
        NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Double, NpgsqlDbType.Text);
    private readonly UnnestInsert _telemetryRows = new("telemetry", TelemetryInsertColumns,
        [NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Double,
         NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text],
        onConflict: "ON CONFLICT (id) DO NOTHING");
    private UnnestInsert[] RowSets => field ??= [_eventRows, _decisionRows, _historyRows, _telemetryRows];
    // Where a run's update waits in _pending (see UpdateRun); forgotten whenever _pending is sent or cut.
    private readonly Dictionary<string, int> _runUpdates = new(StringComparer.Ordinal);
    private int _pendingRowSets;
    private int _sentRowSets;
    private bool _savepointSent;
    private bool _notifiedAtSavepoint;

    private void Queue(string sql, NpgsqlParameter[] args, bool returnsRows = false)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(args);
        _pending.Add(command);
        if (returnsRows) _pendingRowSets++;
    }

    private void QueueRow(UnnestInsert rows, params object?[] row)
    {
        if (rows.Add(row) is { } opened) _pending.Add(opened);
    }

    /// <summary>A batch of everything deferred, then <paramref name="sql"/>; the caller executes it (one round trip).</summary>
    private NpgsqlBatch Send(string? sql, NpgsqlParameter[] args)
    {
        foreach (var rows in RowSets) rows.Close();
        var batch = new NpgsqlBatch(connection, Transaction);
        foreach (var c in _pending) batch.BatchCommands.Add(c);
        _pending.Clear();
        _runUpdates.Clear();
        _sentRowSets = _pendingRowSets;
        _pendingRowSets = 0;
        _workStart = 0;
        _workRowSets = 0;
        _released = false;
        if (sql is not null)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(args);
            batch.BatchCommands.Add(command);
        }
        _savepointSent = true;
        PostgresMetrics.RoundTrips.Add(1, new KeyValuePair<string, object?>("store", location));
        return batch;
    }

    /// <summary>Sends what is deferred, if anything.</summary>
    public void Flush()
    {
        if (_pending.Count == 0) return;
        Run(null, [], batch => batch.ExecuteNonQuery());
    }

    private void DropPending()
    {
        foreach (var rows in RowSets) rows.Drop();
        _pending.Clear();
        _runUpdates.Clear();
        _pendingRowSets = 0;
        _workStart = 0;
        _workRowSets = 0;
    }

    /// <summary>Drops the current work's deferred statements, keeping those of released works before it. Its rows
    /// are the only ones still collecting: a release closes the multi-row inserts.</summary>
    private void DropWork()
    {
        foreach (var rows in RowSets) rows.Drop();
        _pending.RemoveRange(_workStart, _pending.Count - _workStart);
        _runUpdates.Clear();
        _pendingRowSets = _workRowSets;
    }

    // Savepoints around each caller's work (GroupCommitWriter). The SAVEPOINT is deferred with the work's first
    // statements. With PipelineWorks (the default) a work's RELEASE is deferred too, so the writes of a work that
    // needs no answer travel with the next round trip — another work's first read, or the COMMIT — and 32 concurrent
    // single-event requests cost one round trip together instead of one each. A work's own errors still surface
    // inside it when its statements travel alone; when a failing batch carried released works' writes, the writer
    // runs the transaction again with PipelineWorks off (each RELEASE sent at once, as before), so every work is
    // judged on its own statements.
    private int _workStart;
    private int _workRowSets;
    private bool _released;
    private bool _undone;

    /// <summary>Whether a released work's writes may wait for the next round trip (see above).</summary>
    public bool PipelineWorks { get; set; } = true;

    /// <summary>Marks the start of one caller's work.</summary>
    public void Savepoint()
    {
        _savepointSent = false;
        _notifiedAtSavepoint = _notified;
        _workStart = _pending.Count;
        _workRowSets = _pendingRowSets;
        _runUpdates.Clear();
        Queue("SAVEPOINT w", []);
    }

    /// <summary>Keeps the caller's work: its RELEASE is deferred (PipelineWorks) or sent now with what is deferred.</summary>
    public void Release()
    {
        if (!_savepointSent && _pending.Count - _workStart <= 1)
        {
            // Nothing of this work reached the server and nothing is left but its SAVEPOINT: the work wrote nothing.
            DropWork();
            return;
        }
        Queue("RELEASE SAVEPOINT w", []);
        if (!PipelineWorks || _undone)
        {
            // An undo goes at once: the locks the work took are released with it, and another replica may be
            // waiting for them while this writer goes on to the next work.
            _undone = false;
            Flush();
            return;
        }
        // The next work's rows must not join this work's multi-row inserts: its undo drops only its own statements.
        foreach (var rows in RowSets) rows.Close();
        _released = true;
    }

    /// <summary>Undoes the caller's work; the RELEASE that follows travels with the ROLLBACK TO.</summary>
    public void RollbackToSavepoint()
    {
        var sent = _savepointSent;
        DropWork();
        _notified = _notifiedAtSavepoint;
        // Locks the undone work took are released with it; forget what they guaranteed.
        _noWaits.Clear();
        if (!sent) return;
        Queue("ROLLBACK TO SAVEPOINT w", []);
        // Release() sees the savepoint as sent and adds its RELEASE to this batch.
        _savepointSent = true;
        _undone = true;
    }

    /// <summary>Commits: anything deferred is sent first (with PipelineWorks, normally the last works' writes and RELEASEs).</summary>
    public void Commit()
    {
        Flush();
        PostgresMetrics.RoundTrips.Add(1, new KeyValuePair<string, object?>("store", location));
        PostgresMetrics.Commits.Add(1, new KeyValuePair<string, object?>("store", location));
        Transaction!.Commit();
    }

    internal static NpgsqlParameter S(string? v) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)v ?? DBNull.Value };
    internal static NpgsqlParameter L(long? v) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)v ?? DBNull.Value };
    internal static NpgsqlParameter I(int? v) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)v ?? DBNull.Value };
    internal static NpgsqlParameter D(double? v) => new() { NpgsqlDbType = NpgsqlDbType.Double, Value = (object?)v ?? DBNull.Value };

    public void Dispose() => DropPending();
}
