using System.Data.Common;
using Npgsql;
using Switchyard.Engine.Model;
using static Switchyard.Storage.Postgres.PostgresTransaction;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Postgres;

/// <summary>Read queries on pooled connections (read committed; they never block writers).</summary>
internal sealed class PostgresReader(NpgsqlDataSource dataSource, TimeProvider time) : IStoreReader
{
    /// <summary>How far back the waitForEvent lookback reaches before a call: covers events whose transaction was
    /// still open (received, not yet committed) when the call was dispatched.</summary>
    public static readonly TimeSpan LookbackMargin = TimeSpan.FromSeconds(5);

    private const string TelemetryColumns = "seq, id, ts, received_at, level, source, component, action, duration_ms, success, error, metadata, session_id, system_id, run_id, event_id";

    public Task<IReadOnlyList<StoredEvent>> ListEventsAsync(string? namePrefix, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.EventColumns} FROM events
            WHERE ($1::text IS NULL OR starts_with(name, $1)) AND ($2::bigint IS NULL OR received_at >= $2)
            ORDER BY seq DESC LIMIT $3
            """, StoreRows.Event, ct, S(namePrefix), L(sinceMs), I(count));

    public async Task<StoredEvent?> GetEventAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.EventColumns} FROM events WHERE id = $1 ORDER BY seq DESC LIMIT 1", StoreRows.Event, ct, S(id))).FirstOrDefault();

    public async Task<StoredEvent?> GetEventBySeqAsync(long seq, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.EventColumns} FROM events WHERE seq = $1", StoreRows.Event, ct, L(seq))).FirstOrDefault();

    public async Task<long> LastEventSeqAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COALESCE(MAX(seq), 0) FROM events", r => r.GetInt64(0), ct)).Single();

    public Task<long> LookbackPositionAsync(CancellationToken ct) =>
        Task.FromResult(time.GetUtcNow().ToUnixTimeMilliseconds() - (long)LookbackMargin.TotalMilliseconds);

    public async Task<long> CountEventsAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COUNT(*) FROM events", r => r.GetInt64(0), ct)).Single();

    public Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.AppColumns} FROM apps ORDER BY id", StoreRows.App, ct);

    public Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.FunctionColumns} FROM functions ORDER BY id, app_id", StoreRows.Function, ct);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunStatus? status, string? functionId, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.RunColumns} FROM runs
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR function_id = $2) AND ($3::bigint IS NULL OR created_at >= $3)
            ORDER BY created_at DESC, id DESC LIMIT $4
            """, StoreRows.Run, ct, S(status?.ToWire()), S(functionId), L(sinceMs), I(count));

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $1", StoreRows.Run, ct, S(runId))).FirstOrDefault();

    public Task<IReadOnlyList<RunRecord>> RunsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.RunColumns} FROM runs WHERE event_seq = $1 ORDER BY created_at", StoreRows.Run, ct, L(eventSeq));

    public async Task<CallState?> LoadCallStateAsync(string runId, CancellationToken ct)
    {
        var position = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)LookbackMargin.TotalMilliseconds;
        // The run, its trigger and its steps in one round trip (every call of every run reads them): three statements
        // of one batch, each seeing what was committed when it starts, as three separate reads would.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $1") { Parameters = { S(runId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {StoreRows.EventColumns} FROM events WHERE seq = (SELECT event_seq FROM runs WHERE id = $1)") { Parameters = { S(runId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(StepsOfRunSql) { Parameters = { S(runId) } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var run = await reader.ReadAsync(ct) ? StoreRows.Run(reader) : null;
        await reader.NextResultAsync(ct);
        var trigger = await reader.ReadAsync(ct) ? StoreRows.Event(reader) : null;
        await reader.NextResultAsync(ct);
        var steps = new List<MemoizedStep>();
        while (await reader.ReadAsync(ct)) steps.Add(Step(reader));
        return run is null ? null : new CallState(run, trigger, steps, position);
    }

    private const string StepsOfRunSql = "SELECT hash, name, value, seq FROM steps WHERE run_id = $1 ORDER BY seq";

    private static MemoizedStep Step(DbDataReader r) => new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3));

    public Task<IReadOnlyList<MemoizedStep>> GetStepsAsync(string runId, CancellationToken ct) => QueryAsync(StepsOfRunSql, Step, ct, S(runId));

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.HistoryColumns} FROM history WHERE run_id = $1 ORDER BY seq", StoreRows.History, ct, S(runId));

    public Task<IReadOnlyList<Decision>> DecisionsForFunctionAsync(string functionId, long fromMs, long toMs, int count, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.DecisionColumns} FROM decisions WHERE function_id = $1 AND at >= $2 AND at <= $3 ORDER BY seq LIMIT $4",
            StoreRows.Decision, ct, S(functionId), L(fromMs), L(toMs), I(count));

    public Task<IReadOnlyList<Decision>> DecisionsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.DecisionColumns} FROM decisions WHERE event_seq = $1 ORDER BY seq", StoreRows.Decision, ct, L(eventSeq));

    public async Task<string?> KvGetAsync(string ns, string key, CancellationToken ct) =>
        (await QueryAsync("SELECT value FROM kv WHERE ns = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)",
            r => r.GetString(0), ct, S(ns), S(key), L(time.GetUtcNow().ToUnixTimeMilliseconds()))).FirstOrDefault();

    public Task<IReadOnlyList<(string Key, string Value, long? ExpiresAt)>> KvListAsync(string ns, CancellationToken ct) =>
        QueryAsync("SELECT key, value, expires_at FROM kv WHERE ns = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY key",
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct, S(ns), L(time.GetUtcNow().ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<ReplicaRecord>> ListReplicasAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.ReplicaColumns} FROM replicas ORDER BY started_at, id", StoreRows.Replica, ct);

    public async Task<(IReadOnlyList<(string FunctionId, string EventName)> Sends, IReadOnlyList<(string FunctionId, string Invoked)> Invokes)> ObservedEdgesAsync(int historyWindow, CancellationToken ct)
    {
        var sends = await QueryAsync("""
            SELECT DISTINCT r.function_id, e.name
            FROM history h
            JOIN runs r ON r.id = h.run_id
            CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN h.detail LIKE '{"ids":[%' THEN h.detail::jsonb -> 'ids' ELSE '[]'::jsonb END) AS j(id)
            JOIN events e ON e.id = j.id
            WHERE h.kind = 'step.completed' AND h.seq > (SELECT COALESCE(MAX(seq), 0) - $1 FROM history)
            """, r => (r.GetString(0), r.GetString(1)), ct, L(historyWindow));
        var invokes = await QueryAsync("""
            SELECT DISTINCT r.function_id, COALESCE(h.detail::jsonb ->> 'functionId', '')
            FROM history h JOIN runs r ON r.id = h.run_id
            WHERE h.kind = 'invoke.started' AND h.seq > (SELECT COALESCE(MAX(seq), 0) - $1 FROM history)
            """, r => (r.GetString(0), r.GetString(1)), ct, L(historyWindow));
        return (sends, invokes);
    }

    public Task<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.QueueColumns} FROM queue ORDER BY due_at", StoreRows.Queue, ct);

    public async Task<WorkItem?> GetWorkItemAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE id = $1", StoreRows.WorkItem, ct, S(id))).FirstOrDefault();

    public Task<IReadOnlyList<WorkItem>> ListWorkItemsAsync(string? family, WorkItemState? state, bool oldestFirst, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.WorkItemColumns}, seq FROM work_items
            WHERE ($1::text IS NULL OR family = $1) AND ($2::text IS NULL OR state = $2)
            ORDER BY enqueued_at {(oldestFirst ? "" : "DESC")}, seq {(oldestFirst ? "" : "DESC")} LIMIT $3
            """, StoreRows.WorkItem, ct, S(family), S(state?.ToWire()), I(count));

    public Task<IReadOnlyList<WorkQueueCount>> CountWorkItemsAsync(long sinceMs, CancellationToken ct) =>
        QueryAsync("""
            SELECT family, priority, state, COUNT(*), MIN(enqueued_at), SUM(CASE WHEN dispatched_at >= $1 THEN 1 ELSE 0 END)
            FROM work_items GROUP BY family, priority, state
            """, StoreRows.WorkCount, ct, L(sinceMs));

    public Task<IReadOnlyList<string>> DueWorkFamiliesAsync(long now, CancellationToken ct) =>
        QueryAsync("""
            SELECT family FROM work_items WHERE state = 'queued' AND not_before <= $1
            UNION SELECT family FROM work_items WHERE state = 'active' AND lease_until < $1
            """, r => r.GetString(0), ct, L(now));

    public Task<IReadOnlyList<TelemetryRecord>> SearchTelemetryAsync(TelemetryQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        var args = new List<NpgsqlParameter>();
        string P(NpgsqlParameter p) { args.Add(p); return "$" + args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture); }
        // Each word is a prefix term; user text never becomes tsquery syntax.
        if (query.Terms.Count > 0) where.Add($"search @@ to_tsquery('simple', {P(S(string.Join(" & ", query.Terms.Select(t => "'" + t.Replace("'", "''", StringComparison.Ordinal) + "':*"))))})");
        if (query.Levels.Count > 0) where.Add($"level = ANY({P(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = query.Levels.ToArray() })})");
        if (query.Source is not null) where.Add($"lower(source) = lower({P(S(query.Source))})");
        if (query.Component is not null) where.Add($"lower(component) = lower({P(S(query.Component))})");
        if (query.SinceMs is not null) where.Add($"ts >= {P(L(query.SinceMs))}");
        var sql = $"SELECT {TelemetryColumns} FROM telemetry{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY ts DESC, seq DESC LIMIT {P(I(query.Count))}";
        return QueryAsync(sql, TelemetryRow, ct, args.ToArray());
    }

    public Task<IReadOnlyList<TelemetryRecord>> TelemetryForAsync(IReadOnlyCollection<string> eventIds, IReadOnlyCollection<string> runIds, int count, CancellationToken ct)
    {
        if (eventIds.Count == 0 && runIds.Count == 0) return Task.FromResult<IReadOnlyList<TelemetryRecord>>([]);
        var textArray = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        return QueryAsync($"SELECT {TelemetryColumns} FROM telemetry WHERE event_id = ANY($1) OR run_id = ANY($2) ORDER BY ts, seq LIMIT $3", TelemetryRow, ct,
            new NpgsqlParameter { NpgsqlDbType = textArray, Value = eventIds.ToArray() }, new NpgsqlParameter { NpgsqlDbType = textArray, Value = runIds.ToArray() }, I(count));
    }

    public Task<IReadOnlyList<TelemetryCount>> CountTelemetryAsync(long sinceMs, CancellationToken ct) =>
        QueryAsync("""
            SELECT level, source, component, action, COUNT(*), SUM(CASE WHEN level = 'error' OR success = 0 THEN 1 ELSE 0 END)
            FROM telemetry WHERE ts >= $1 GROUP BY level, source, component, action
            """, r => new TelemetryCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)), ct, L(sinceMs));

    public async Task<RetentionCounts> CountExpiredAsync(RetentionCutoffs c, CancellationToken ct)
    {
        async Task<long> Count(string sql, params NpgsqlParameter[] args) => (await QueryAsync(sql, r => r.GetInt64(0), ct, args)).Single();
        async Task<long> OfRuns(string table) => await Count(
            $"SELECT COUNT(*) FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE {StoreRows.ExpiredRuns("$1", "$2", "$3")})", L(c.Completed), L(c.Failed), L(c.Cancelled));
        return new RetentionCounts(
            Runs: await Count($"SELECT COUNT(*) FROM runs WHERE {StoreRows.ExpiredRuns("$1", "$2", "$3")}", L(c.Completed), L(c.Failed), L(c.Cancelled)),
            Steps: await OfRuns("steps"),
            History: await OfRuns("history"),
            Decisions: await OfRuns("decisions") + await Count(
                $"SELECT COUNT(*) FROM decisions WHERE run_id IS NULL AND event_seq IN (SELECT seq FROM events e WHERE {StoreRows.UnreferencedEvents("$1")})", L(c.Events)),
            QueueItems: await OfRuns("queue"),
            Waits: await OfRuns("waits"),
            Events: await Count($"SELECT COUNT(*) FROM events e WHERE {StoreRows.UnreferencedEvents("$1")}", L(c.Events)),
            WorkItems: await Count("SELECT COUNT(*) FROM work_items WHERE finished_at < $1 AND state IN ('done', 'failed')", L(c.WorkItems)),
            Telemetry: await Count("SELECT COUNT(*) FROM telemetry WHERE received_at < $1", L(c.Telemetry)));
    }

    private static TelemetryRecord TelemetryRow(DbDataReader r) => new(
        r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt32(9) != 0, r.IsDBNull(10) ? null : r.GetString(10), r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14),
        r.IsDBNull(15) ? null : r.GetString(15), r.GetInt64(0));

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] args)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(a);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct)) list.Add(map(reader));
        return list;
    }
}
