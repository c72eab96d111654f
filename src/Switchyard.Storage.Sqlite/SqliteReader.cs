using System.Data.Common;
using Microsoft.Data.Sqlite;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>Read queries on pooled connections; WAL mode lets them run while the writer commits.</summary>
internal sealed class SqliteReader(string connectionString, string telemetryConnectionString, TimeProvider time) : IStoreReader
{
    public Task<IReadOnlyList<StoredEvent>> ListEventsAsync(string? namePrefix, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.EventColumns} FROM events
            WHERE ($p0 IS NULL OR substr(name, 1, length($p0)) = $p0) AND ($p1 IS NULL OR received_at >= $p1)
            ORDER BY seq DESC LIMIT $p2
            """, StoreRows.Event, ct, namePrefix, sinceMs, count);

    public async Task<StoredEvent?> GetEventAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.EventColumns} FROM events WHERE id = $p0 ORDER BY seq DESC LIMIT 1", StoreRows.Event, ct, id)).FirstOrDefault();

    public async Task<StoredEvent?> GetEventBySeqAsync(long seq, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.EventColumns} FROM events WHERE seq = $p0", StoreRows.Event, ct, seq)).FirstOrDefault();

    public async Task<long> LastEventSeqAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COALESCE(MAX(seq), 0) FROM events", r => r.GetInt64(0), ct)).Single();

    // One writer commits in sequence order, so the last sequence number is an exact position.
    public Task<long> LookbackPositionAsync(CancellationToken ct) => LastEventSeqAsync(ct);

    public async Task<long> CountEventsAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COUNT(*) FROM events", r => r.GetInt64(0), ct)).Single();

    public Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.AppColumns} FROM apps ORDER BY id", StoreRows.App, ct);

    public Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.FunctionColumns} FROM functions ORDER BY id", StoreRows.Function, ct);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunStatus? status, string? functionId, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.RunColumns} FROM runs
            WHERE ($p0 IS NULL OR status = $p0) AND ($p1 IS NULL OR function_id = $p1) AND ($p2 IS NULL OR created_at >= $p2)
            ORDER BY created_at DESC, id DESC LIMIT $p3
            """, StoreRows.Run, ct, status?.ToWire(), functionId, sinceMs, count);

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $p0", StoreRows.Run, ct, runId)).FirstOrDefault();

    public Task<IReadOnlyList<RunRecord>> RunsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.RunColumns} FROM runs WHERE event_seq = $p0 ORDER BY created_at", StoreRows.Run, ct, eventSeq);

    public async Task<CallState?> LoadCallStateAsync(string runId, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        var runs = await QueryOnAsync(connection, $"SELECT {StoreRows.RunColumns} FROM runs WHERE id = $p0", StoreRows.Run, ct, runId);
        if (runs.Count == 0) return null;
        var run = runs[0];
        var trigger = (await QueryOnAsync(connection, $"SELECT {StoreRows.EventColumns} FROM events WHERE seq = $p0", StoreRows.Event, ct, run.EventSeq)).FirstOrDefault();
        var steps = await QueryOnAsync(connection, "SELECT hash, name, value, seq FROM steps WHERE run_id = $p0 ORDER BY seq",
            r => new MemoizedStep(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3)), ct, runId);
        var position = (await QueryOnAsync(connection, "SELECT COALESCE(MAX(seq), 0) FROM events", r => r.GetInt64(0), ct)).Single();
        return new CallState(run, trigger, steps, position);
    }

    public Task<IReadOnlyList<MemoizedStep>> GetStepsAsync(string runId, CancellationToken ct) =>
        QueryAsync("SELECT hash, name, value, seq FROM steps WHERE run_id = $p0 ORDER BY seq",
            r => new MemoizedStep(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3)), ct, runId);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.HistoryColumns} FROM history WHERE run_id = $p0 ORDER BY seq", StoreRows.History, ct, runId);

    public Task<IReadOnlyList<Decision>> DecisionsForFunctionAsync(string functionId, long fromMs, long toMs, int count, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.DecisionColumns} FROM decisions WHERE function_id = $p0 AND at >= $p1 AND at <= $p2 ORDER BY seq LIMIT $p3",
            StoreRows.Decision, ct, functionId, fromMs, toMs, count);

    public Task<IReadOnlyList<Decision>> DecisionsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.DecisionColumns} FROM decisions WHERE event_seq = $p0 ORDER BY seq", StoreRows.Decision, ct, eventSeq);

    public async Task<string?> KvGetAsync(string ns, string key, CancellationToken ct) =>
        (await QueryAsync("SELECT value FROM kv WHERE ns = $p0 AND key = $p1 AND (expires_at IS NULL OR expires_at > $p2)",
            r => r.GetString(0), ct, ns, key, time.GetUtcNow().ToUnixTimeMilliseconds())).FirstOrDefault();

    public Task<IReadOnlyList<(string Key, string Value, long? ExpiresAt)>> KvListAsync(string ns, CancellationToken ct) =>
        QueryAsync("SELECT key, value, expires_at FROM kv WHERE ns = $p0 AND (expires_at IS NULL OR expires_at > $p1) ORDER BY key",
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct, ns, time.GetUtcNow().ToUnixTimeMilliseconds());

    public Task<IReadOnlyList<ReplicaRecord>> ListReplicasAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.ReplicaColumns} FROM replicas ORDER BY started_at, id", StoreRows.Replica, ct);

    public async Task<(IReadOnlyList<(string FunctionId, string EventName)> Sends, IReadOnlyList<(string FunctionId, string Invoked)> Invokes)> ObservedEdgesAsync(int historyWindow, CancellationToken ct)
    {
        // Steps that send events (sendEvent in every SDK) memoize {"ids":[…]}; the ids lead to the events and their names.
        var sends = await QueryAsync("""
            SELECT DISTINCT r.function_id, e.name
            FROM history h
            JOIN runs r ON r.id = h.run_id,
                 json_each(CASE WHEN json_valid(h.detail) THEN h.detail ELSE '{"ids":[]}' END, '$.ids') j
            JOIN events e ON e.id = j.value
            WHERE h.kind = 'step.completed' AND h.detail LIKE '{"ids":%'
              AND h.seq > (SELECT COALESCE(MAX(seq), 0) - $p0 FROM history)
            """, r => (r.GetString(0), r.GetString(1)), ct, historyWindow);
        var invokes = await QueryAsync("""
            SELECT DISTINCT r.function_id, json_extract(h.detail, '$.functionId')
            FROM history h JOIN runs r ON r.id = h.run_id
            WHERE h.kind = 'invoke.started' AND json_valid(h.detail)
              AND h.seq > (SELECT COALESCE(MAX(seq), 0) - $p0 FROM history)
            """, r => (r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1)), ct, historyWindow);
        return (sends, invokes);
    }

    public Task<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {StoreRows.QueueColumns} FROM queue ORDER BY due_at", StoreRows.Queue, ct);

    // Work queue

    public async Task<WorkItem?> GetWorkItemAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {StoreRows.WorkItemColumns}, seq FROM work_items WHERE id = $p0", StoreRows.WorkItem, ct, id)).FirstOrDefault();

    public Task<IReadOnlyList<WorkItem>> ListWorkItemsAsync(string? family, WorkItemState? state, bool oldestFirst, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {StoreRows.WorkItemColumns}, seq FROM work_items
            WHERE ($p0 IS NULL OR family = $p0) AND ($p1 IS NULL OR state = $p1)
            ORDER BY enqueued_at {(oldestFirst ? "" : "DESC")}, seq {(oldestFirst ? "" : "DESC")} LIMIT $p2
            """, StoreRows.WorkItem, ct, family, state?.ToWire(), count);

    public Task<IReadOnlyList<WorkQueueCount>> CountWorkItemsAsync(long sinceMs, CancellationToken ct) =>
        QueryAsync("""
            SELECT family, priority, state, COUNT(*), MIN(enqueued_at), SUM(CASE WHEN dispatched_at >= $p0 THEN 1 ELSE 0 END)
            FROM work_items GROUP BY family, priority, state
            """, StoreRows.WorkCount, ct, sinceMs);

    public Task<IReadOnlyList<string>> DueWorkFamiliesAsync(long now, CancellationToken ct) =>
        QueryAsync("""
            SELECT family FROM work_items WHERE state = 'queued' AND not_before <= $p0
            UNION SELECT family FROM work_items WHERE state = 'active' AND lease_until < $p0
            """, r => r.GetString(0), ct, now);

    // Telemetry

    private const string TelemetryColumns = "seq, id, ts, received_at, level, source, component, action, duration_ms, success, error, metadata, session_id, system_id, run_id, event_id";

    private static TelemetryRecord TelemetryRow(DbDataReader r) => new(
        r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt64(9) != 0, r.IsDBNull(10) ? null : r.GetString(10), r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14),
        r.IsDBNull(15) ? null : r.GetString(15), r.GetInt64(0));

    public Task<IReadOnlyList<TelemetryRecord>> SearchTelemetryAsync(TelemetryQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        var args = new List<object?>();
        string P(object? value) { args.Add(value); return "$p" + (args.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture); }
        // Each word is a quoted FTS5 prefix term, so user text can never be read as query syntax.
        if (query.Terms.Count > 0)
            where.Add($"seq IN (SELECT rowid FROM telemetry_fts WHERE telemetry_fts MATCH {P(string.Join(" ", query.Terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"*")))})");
        if (query.Levels.Count > 0) where.Add($"level IN ({string.Join(", ", query.Levels.Select(l => P(l)))})");
        if (query.Source is not null) where.Add($"source = {P(query.Source)} COLLATE NOCASE");
        if (query.Component is not null) where.Add($"component = {P(query.Component)} COLLATE NOCASE");
        if (query.SinceMs is not null) where.Add($"ts >= {P(query.SinceMs)}");
        var sql = $"SELECT {TelemetryColumns} FROM telemetry{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY ts DESC, seq DESC LIMIT {P(query.Count)}";
        return QueryTelemetryAsync(sql, TelemetryRow, ct, args.ToArray());
    }

    public Task<IReadOnlyList<TelemetryRecord>> TelemetryForAsync(IReadOnlyCollection<string> eventIds, IReadOnlyCollection<string> runIds, int count, CancellationToken ct)
    {
        if (eventIds.Count == 0 && runIds.Count == 0) return Task.FromResult<IReadOnlyList<TelemetryRecord>>([]);
        // json_each keeps the statement text fixed however many ids a trace collects.
        return QueryTelemetryAsync($"""
            SELECT {TelemetryColumns} FROM telemetry
            WHERE event_id IN (SELECT value FROM json_each($p0)) OR run_id IN (SELECT value FROM json_each($p1))
            ORDER BY ts, seq LIMIT $p2
            """, TelemetryRow, ct, System.Text.Json.JsonSerializer.Serialize(eventIds), System.Text.Json.JsonSerializer.Serialize(runIds), count);
    }

    public Task<IReadOnlyList<TelemetryCount>> CountTelemetryAsync(long sinceMs, CancellationToken ct) =>
        QueryTelemetryAsync("""
            SELECT level, source, component, action, COUNT(*), SUM(CASE WHEN level = 'error' OR success = 0 THEN 1 ELSE 0 END)
            FROM telemetry WHERE ts >= $p0 GROUP BY level, source, component, action
            """, r => new TelemetryCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)), ct, sinceMs);

    public async Task<RetentionCounts> CountExpiredAsync(RetentionCutoffs c, CancellationToken ct)
    {
        async Task<long> Count(string sql, params object?[] args) => (await QueryAsync(sql, r => r.GetInt64(0), ct, args)).Single();
        async Task<long> OfRuns(string table) => await Count(
            $"SELECT COUNT(*) FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE {StoreRows.ExpiredRuns("$p0", "$p1", "$p2")})", c.Completed, c.Failed, c.Cancelled);
        return new RetentionCounts(
            Runs: await Count($"SELECT COUNT(*) FROM runs WHERE {StoreRows.ExpiredRuns("$p0", "$p1", "$p2")}", c.Completed, c.Failed, c.Cancelled),
            Steps: await OfRuns("steps"),
            History: await OfRuns("history"),
            Decisions: await OfRuns("decisions") + await Count(
                $"SELECT COUNT(*) FROM decisions WHERE run_id IS NULL AND event_seq IN (SELECT seq FROM events e WHERE {StoreRows.UnreferencedEvents("$p0")})", c.Events),
            QueueItems: await OfRuns("queue"),
            Waits: await OfRuns("waits"),
            Events: await Count($"SELECT COUNT(*) FROM events e WHERE {StoreRows.UnreferencedEvents("$p0")}", c.Events),
            WorkItems: await Count("SELECT COUNT(*) FROM work_items WHERE finished_at < $p0 AND state IN ('done', 'failed')", c.WorkItems),
            Telemetry: (await QueryTelemetryAsync("SELECT COUNT(*) FROM telemetry WHERE received_at < $p0", r => r.GetInt64(0), ct, c.Telemetry)).Single());
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params object?[] args)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return await QueryOnAsync(connection, sql, map, ct, args);
    }

    /// <summary>A query of the telemetry log, which is a database file of its own (see SqliteTelemetryLog).</summary>
    private async Task<IReadOnlyList<T>> QueryTelemetryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params object?[] args)
    {
        await using var connection = new SqliteConnection(telemetryConnectionString);
        await connection.OpenAsync(ct);
        return await QueryOnAsync(connection, sql, map, ct, args);
    }

    private static async Task<IReadOnlyList<T>> QueryOnAsync<T>(SqliteConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken ct, params object?[] args)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
            cmd.Parameters.AddWithValue("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), args[i] ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct)) list.Add(map(reader));
        return list;
    }
}
