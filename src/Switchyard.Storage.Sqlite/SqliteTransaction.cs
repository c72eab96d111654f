using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Protocol;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>The writer connection's view of the current transaction. Commands are prepared once and reused:
/// re-preparing SQL for every row would cost more than the write itself.</summary>
internal sealed class SqliteTransaction(SqliteConnection connection) : IStoreTransaction, ITelemetryTransaction, IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<Action> _callbacks = [];
    private readonly RaisedEvents _raised = new();
    // Event names with no open wait, learnt in this transaction: a batch of events of one name would otherwise look
    // the waits up once per event. Only this connection writes, and only InsertWait adds a wait, so a name stays
    // without waits until then or until a rollback brings a deleted wait back (ForgetReads).
    private readonly HashSet<string> _namesWithoutWaits = new(StringComparer.Ordinal);

    public long Now { get; set; }

    public IReadOnlyList<Action> Callbacks => _callbacks;

    public int CallbackMark => _callbacks.Count;

    public void TruncateCallbacks(int mark) => _callbacks.RemoveRange(mark, _callbacks.Count - mark);

    public void ClearCallbacks() => _callbacks.Clear();

    public void OnCommitted(Action action) => _callbacks.Add(action);

    /// <inheritdoc />
    public void Raise(IncomingEvent internalEvent) => _raised.Add(internalEvent);

    /// <inheritdoc />
    public IReadOnlyList<IncomingEvent> TakeRaised() => _raised.Take();

    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    // Events

    // One writer: checking the events table is enough, no other transaction can claim the id meanwhile.
    public bool ClaimEventId(string id, long sinceMs) =>
        Command("SELECT 1 FROM events WHERE id = $p0 AND received_at >= $p1 LIMIT 1", id, sinceMs).ExecuteScalar() is null;

    // Not RETURNING: SQLite runs RETURNING as a trigger, which makes every insert a multi-row write with a statement
    // journal of its own (each touched page copied once more per event). seq is the rowid, which SQLite keeps.
    public long InsertEvent(StoredEvent e)
    {
        Command("INSERT INTO events(id, name, body, ts, received_at, source) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
            e.Id, e.Name, e.Body, e.Ts, e.ReceivedAt, e.Source).ExecuteNonQuery();
        return SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
    }

    public IReadOnlyList<StoredEvent> EventsSince(string name, long afterSeq, int limit) => Query(
        $"SELECT {StoreRows.EventColumns} FROM events WHERE name = $p0 AND seq > $p1 ORDER BY seq LIMIT $p2",
        StoreRows.Event, name, afterSeq, limit);

    public StoredEvent? EventBySeq(long seq) =>
        Query($"SELECT {StoreRows.EventColumns} FROM events WHERE seq = $p0", StoreRows.Event, seq).FirstOrDefault();

    // Key-value state

    public string? KvGet(string ns, string key) =>
        Command("SELECT value FROM kv WHERE ns = $p0 AND key = $p1 AND (expires_at IS NULL OR expires_at > $p2)", ns, key, Now).ExecuteScalar() as string;

    public void KvPut(string ns, string key, string value, long? expiresAt) => Command(
        "INSERT OR REPLACE INTO kv(ns, key, value, expires_at, updated_at) VALUES ($p0, $p1, $p2, $p3, $p4)",
        ns, key, value, expiresAt, Now).ExecuteNonQuery();

    public bool KvDelete(string ns, string key) => Command("DELETE FROM kv WHERE ns = $p0 AND key = $p1", ns, key).ExecuteNonQuery() > 0;

    public IReadOnlyList<(string Key, string Value, long? ExpiresAt)> KvList(string ns) => Query(
        "SELECT key, value, expires_at FROM kv WHERE ns = $p0 AND (expires_at IS NULL OR expires_at > $p1) ORDER BY key",
        r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ns, Now);

    public void ReplicaBeat(ReplicaRecord r, long forgetBefore)
    {
        Command($"INSERT OR REPLACE INTO replicas({StoreRows.ReplicaColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
            r.Id, r.Address, r.Version, r.StartedAt, r.LastBeatAt, r.StoppedAt).ExecuteNonQuery();
        Command("DELETE FROM replicas WHERE last_beat_at < $p0", forgetBefore).ExecuteNonQuery();
    }

    public int KvPrune() => Command("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= $p0", Now).ExecuteNonQuery();

    // Registry

    public void UpsertApp(AppRecord a) => Command(
        $"INSERT OR REPLACE INTO apps({StoreRows.AppColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7)",
        a.Id, a.Url, a.Sdk, a.Framework, a.Checksum, a.SyncedAt, a.CreatedAt, a.FunctionCount).ExecuteNonQuery();

    public IReadOnlyList<string> ReplaceFunctions(string appId, IReadOnlyList<FunctionRecord> functions)
    {
        var existing = Query("SELECT id, paused FROM functions WHERE app_id = $p0", r => (Id: r.GetString(0), Paused: r.GetInt64(1) != 0), appId);
        var keep = functions.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var removed = existing.Where(e => !keep.Contains(e.Id)).Select(e => e.Id).ToList();
        foreach (var id in removed) Command("DELETE FROM functions WHERE id = $p0 AND app_id = $p1", id, appId).ExecuteNonQuery();
        var paused = existing.Where(e => e.Paused).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var f in functions)
        {
            // A re-sync keeps an operator's pause: pausing is state about the function, not part of its code.
            Command($"INSERT OR REPLACE INTO functions({StoreRows.FunctionColumns}) VALUES ($p0, $p1, $p2, $p3, $p4)",
                f.Id, f.AppId, JsonSerializer.Serialize(f.Config, ProtocolJson.Options), paused.Contains(f.Id) || f.Paused ? 1 : 0, f.UpdatedAt).ExecuteNonQuery();
        }
        return removed;
    }

    public bool SetPaused(string functionId, bool paused) =>
        Command("UPDATE functions SET paused = $p1 WHERE id = $p0", functionId, paused ? 1 : 0).ExecuteNonQuery() > 0;

    // Runs

    public void InsertRun(RunRecord r) => Command(
        $"INSERT INTO runs({StoreRows.RunColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15, $p16, $p17)",
        r.Id, r.FunctionId, r.AppId, r.EventId, r.EventSeq, r.Status.ToWire(), r.CreatedAt, r.StartedAt, r.EndedAt, r.Output, r.Error,
        r.Version, r.ForcePlan ? 1 : 0, StoreRows.Pending(r.Pending), r.ParentRunId, r.ParentStep, r.Flow,
        r.Batch is null ? null : JsonSerializer.Serialize(r.Batch)).ExecuteNonQuery();

    public RunRecord? GetRun(string runId) =>
        Query($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $p0", StoreRows.Run, runId).FirstOrDefault();

    public void UpdateRun(RunRecord r) => Command(
        "UPDATE runs SET status = $p1, started_at = $p2, ended_at = $p3, output = $p4, error = $p5, version = $p6, force_plan = $p7, pending = $p8 WHERE id = $p0",
        r.Id, r.Status.ToWire(), r.StartedAt, r.EndedAt, r.Output, r.Error, r.Version, r.ForcePlan ? 1 : 0, StoreRows.Pending(r.Pending)).ExecuteNonQuery();

    public bool InsertStep(string runId, string hash, string? name, string valueJson) => Command(
        "INSERT OR IGNORE INTO steps(run_id, hash, seq, name, value) VALUES ($p0, $p1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = $p0), $p2, $p3)",
        runId, hash, name, valueJson).ExecuteNonQuery() > 0;

    public bool StepExists(string runId, string hash) =>
        Command("SELECT 1 FROM steps WHERE run_id = $p0 AND hash = $p1", runId, hash).ExecuteScalar() is not null;

    public void AppendHistory(HistoryEntry h) => Command(
        "INSERT INTO history(run_id, at, kind, step_hash, step_name, op, attempt, duration_ms, detail) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)",
        h.RunId, h.At, h.Kind.ToWire(), h.StepHash, h.StepName, h.Op, h.Attempt, h.DurationMs, h.Detail).ExecuteNonQuery();

    public void InsertDecision(Decision d) => Command(
        $"INSERT INTO decisions({StoreRows.DecisionColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
        d.EventId, d.EventSeq, d.FunctionId, d.Outcome.ToWire(), d.Reason, d.RunId, d.At).ExecuteNonQuery();

    // Queue

    public void Enqueue(QueueItem q) => Command(
        $"INSERT OR IGNORE INTO queue({StoreRows.QueueColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
        q.Id, q.RunId, q.Kind.ToWire(), q.StepId, q.Attempt, q.DueAt, q.Payload).ExecuteNonQuery();

    public bool Dequeue(string itemId) => Command("DELETE FROM queue WHERE id = $p0", itemId).ExecuteNonQuery() > 0;

    public bool HoldQueueItem(string runId, string itemId) =>
        Command("SELECT 1 FROM queue WHERE id = $p0 AND run_id = $p1", itemId, runId).ExecuteScalar() is not null;

    public IReadOnlyList<string> DequeueRun(string runId) =>
        Query("DELETE FROM queue WHERE run_id = $p0 RETURNING id", r => r.GetString(0), runId);

    // Work queue

    public void InsertWorkItem(WorkItem w) => Command(
        $"INSERT INTO work_items({StoreRows.WorkItemColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14)",
        w.Id, w.Family, (int)w.Priority, w.Data, w.DedupKey, w.State.ToWire(), w.EnqueuedAt, w.Attempt, w.NotBefore, w.DispatchedAt, w.FinishedAt,
        w.LeaseUntil, w.Error, w.Result, w.Deduplicated).ExecuteNonQuery();

    public WorkItem? GetWorkItem(string id) =>
        Query($"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE id = $p0", StoreRows.WorkItem, id).FirstOrDefault();

    public void UpdateWorkItem(WorkItem w) => Command(
        "UPDATE work_items SET state = $p1, attempt = $p2, not_before = $p3, dispatched_at = $p4, finished_at = $p5, lease_until = $p6, error = $p7, result = $p8, deduplicated = $p9 WHERE id = $p0",
        w.Id, w.State.ToWire(), w.Attempt, w.NotBefore, w.DispatchedAt, w.FinishedAt, w.LeaseUntil, w.Error, w.Result, w.Deduplicated).ExecuteNonQuery();

    // One writer: the count cannot change under this transaction, no lock is needed.
    public int CountActiveWork(string family) => Convert.ToInt32(
        Command("SELECT COUNT(*) FROM work_items WHERE family = $p0 AND state = 'active'", family).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

    public IReadOnlyList<WorkItem> QueuedWork(string family, Switchyard.Configuration.QueuePriority priority, long dueBy, int limit) => Query(
        $"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE family = $p0 AND state = 'queued' AND priority = $p1 AND not_before <= $p2 ORDER BY enqueued_at, seq LIMIT $p3",
        StoreRows.WorkItem, family, (int)priority, dueBy, limit);

    public IReadOnlyList<WorkItem> ExpiredWorkLeases(string family, long now) => Query(
        $"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE family = $p0 AND state = 'active' AND lease_until < $p1",
        StoreRows.WorkItem, family, now);

    public int PruneWorkItems(long beforeMs, int limit) => Command(
        "DELETE FROM work_items WHERE seq IN (SELECT seq FROM work_items WHERE finished_at < $p0 AND state IN ('done', 'failed') LIMIT $p1)", beforeMs, limit).ExecuteNonQuery();

    // Retention

    private static readonly (string Table, string Key)[] RunRows = [("steps", "rowid"), ("history", "seq"), ("decisions", "seq"), ("queue", "id"), ("waits", "id")];

    public RetentionCounts PruneRuns(RetentionCutoffs c, int limit)
    {
        var ids = Query($"SELECT id FROM runs WHERE {StoreRows.ExpiredRuns("$p0", "$p1", "$p2")} LIMIT $p3", r => r.GetString(0), c.Completed, c.Failed, c.Cancelled, limit);
        var budget = limit;
        var deleted = new long[RunRows.Length + 1];
        foreach (var id in ids)
        {
            for (var t = 0; t < RunRows.Length; t++)
            {
                var (table, key) = RunRows[t];
                var n = Command($"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} WHERE run_id = $p0 LIMIT $p1)", id, budget).ExecuteNonQuery();
                deleted[t] += n;
                budget -= n;
                // Out of budget: the run stays (its rows may not all be gone) and the next slice finishes it.
                if (budget == 0) return Counts(deleted);
            }
            deleted[^1] += Command("DELETE FROM runs WHERE id = $p0", id).ExecuteNonQuery();
            if (--budget == 0) break;
        }
        return Counts(deleted);

        static RetentionCounts Counts(long[] d) => new(Runs: d[5], Steps: d[0], History: d[1], Decisions: d[2], QueueItems: d[3], Waits: d[4]);
    }

    public RetentionCounts PruneEvents(long beforeMs, int limit)
    {
        var candidates = Query($"SELECT seq, received_at FROM events e WHERE {StoreRows.UnreferencedEvents("$p0")} LIMIT $p1",
            r => (Seq: r.GetInt64(0), ReceivedAt: r.GetInt64(1)), beforeMs, limit);
        if (candidates.Count == 0) return RetentionCounts.None;
        // A batch run was created after all its events arrived, so only runs created since the oldest candidate can hold one.
        var held = StoreRows.BatchMembers(Query("SELECT batch FROM runs WHERE batch IS NOT NULL AND created_at >= $p0",
            r => r.GetString(0), candidates.Min(e => e.ReceivedAt)));
        long events = 0, decisions = 0;
        var budget = limit;
        foreach (var (seq, _) in candidates.Where(e => !held.Contains(e.Seq)))
        {
            var n = Command("DELETE FROM decisions WHERE seq IN (SELECT seq FROM decisions WHERE event_seq = $p0 LIMIT $p1)", seq, budget).ExecuteNonQuery();
            decisions += n;
            budget -= n;
            if (budget == 0) break;
            events += Command("DELETE FROM events WHERE seq = $p0", seq).ExecuteNonQuery();
            if (--budget == 0) break;
        }
        return new RetentionCounts(Events: events, Decisions: decisions);
    }

    // Waits

    public void InsertWait(WaitRecord w)
    {
        _namesWithoutWaits.Clear();
        Command($"INSERT OR REPLACE INTO waits({StoreRows.WaitColumns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)",
            w.Id, w.RunId, w.StepHash, w.Kind.ToWire(), w.EventName, w.Expression, w.Correlation, w.ExpiresAt, w.CreatedAt).ExecuteNonQuery();
    }

    public IReadOnlyList<WaitRecord> WaitsForEvent(string eventName)
    {
        if (_namesWithoutWaits.Contains(eventName)) return [];
        var waits = Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE event_name = $p0 AND kind IN ('event', 'cancel') ORDER BY created_at", StoreRows.Wait, eventName);
        if (waits.Count == 0) _namesWithoutWaits.Add(eventName);
        return waits;
    }

    /// <summary>Forgets what this transaction learnt by reading: called when it begins and when it rolls back (to a
    /// savepoint or whole), which can bring back rows deleted since.</summary>
    public void ForgetReads() => _namesWithoutWaits.Clear();

    public WaitRecord? WaitForChild(string childRunId) =>
        Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE correlation = $p0 AND kind = 'invoke'", StoreRows.Wait, childRunId).FirstOrDefault();

    public WaitRecord? GetWait(string waitId) =>
        Query($"SELECT {StoreRows.WaitColumns} FROM waits WHERE id = $p0", StoreRows.Wait, waitId).FirstOrDefault();

    public bool DeleteWait(string waitId) => Command("DELETE FROM waits WHERE id = $p0", waitId).ExecuteNonQuery() > 0;

    public void DeleteWaits(string runId) => Command("DELETE FROM waits WHERE run_id = $p0", runId).ExecuteNonQuery();

    // Telemetry (the FTS index follows by trigger)

    public bool InsertTelemetry(TelemetryRecord t) => Command("""
        INSERT OR IGNORE INTO telemetry(id, ts, received_at, level, source, component, action, duration_ms, success, error, metadata, session_id, system_id, run_id, event_id)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14)
        """,
        t.Id, t.Timestamp, t.ReceivedAt, t.Level, t.Source, t.Component, t.Action, t.DurationMs, t.Success is { } ok ? (ok ? 1 : 0) : null,
        t.Error, t.Metadata, t.SessionId, t.SystemId, t.RunId, t.EventId).ExecuteNonQuery() > 0;

    public int PruneTelemetry(long beforeMs, int limit) =>
        Command("DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE received_at < $p0 LIMIT $p1)", beforeMs, limit).ExecuteNonQuery();

    // Plumbing

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params object?[] args)
    {
        using var reader = Command(sql, args).ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(map(reader));
        return list;
    }

    private SqliteCommand Command(string sql, params object?[] args)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            for (var i = 0; i < args.Length; i++) cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            cmd.Prepare();
            _commands[sql] = cmd;
        }
        for (var i = 0; i < args.Length; i++) cmd.Parameters[i].Value = args[i] ?? DBNull.Value;
        return cmd;
    }

    public void Dispose()
    {
        foreach (var cmd in _commands.Values) cmd.Dispose();
        _commands.Clear();
    }
}
