using System.Data.Common;
using Microsoft.Data.Sqlite;
using Switchyard.Server.Events;
using Switchyard.Server.Execution;
using Switchyard.Server.Registry;
using Switchyard.Server.Runs;
using Switchyard.Server.Triggers;

namespace Switchyard.Server.Storage.Sqlite;

/// <summary>Read queries on pooled connections; WAL mode lets them run while the writer commits.</summary>
internal sealed class SqliteReader(string connectionString) : IStoreReader
{
    public Task<IReadOnlyList<StoredEvent>> ListEventsAsync(string? namePrefix, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {SqliteRows.EventColumns} FROM events
            WHERE ($p0 IS NULL OR substr(name, 1, length($p0)) = $p0) AND ($p1 IS NULL OR received_at >= $p1)
            ORDER BY seq DESC LIMIT $p2
            """, SqliteRows.Event, ct, namePrefix, sinceMs, count);

    public async Task<StoredEvent?> GetEventAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {SqliteRows.EventColumns} FROM events WHERE id = $p0 ORDER BY seq DESC LIMIT 1", SqliteRows.Event, ct, id)).FirstOrDefault();

    public async Task<StoredEvent?> GetEventBySeqAsync(long seq, CancellationToken ct) =>
        (await QueryAsync($"SELECT {SqliteRows.EventColumns} FROM events WHERE seq = $p0", SqliteRows.Event, ct, seq)).FirstOrDefault();

    public async Task<long> LastEventSeqAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COALESCE(MAX(seq), 0) FROM events", r => r.GetInt64(0), ct)).Single();

    public async Task<long> CountEventsAsync(CancellationToken ct) =>
        (await QueryAsync("SELECT COUNT(*) FROM events", r => r.GetInt64(0), ct)).Single();

    public Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.AppColumns} FROM apps ORDER BY id", SqliteRows.App, ct);

    public Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.FunctionColumns} FROM functions ORDER BY id", SqliteRows.Function, ct);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? status, string? functionId, long? sinceMs, int count, CancellationToken ct) =>
        QueryAsync($"""
            SELECT {SqliteRows.RunColumns} FROM runs
            WHERE ($p0 IS NULL OR status = $p0) AND ($p1 IS NULL OR function_id = $p1) AND ($p2 IS NULL OR created_at >= $p2)
            ORDER BY created_at DESC, id DESC LIMIT $p3
            """, SqliteRows.Run, ct, status, functionId, sinceMs, count);

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {SqliteRows.RunColumns} FROM runs WHERE id = $p0", SqliteRows.Run, ct, runId)).FirstOrDefault();

    public Task<IReadOnlyList<RunRecord>> RunsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.RunColumns} FROM runs WHERE event_seq = $p0 ORDER BY created_at", SqliteRows.Run, ct, eventSeq);

    public Task<IReadOnlyList<MemoizedStep>> GetStepsAsync(string runId, CancellationToken ct) =>
        QueryAsync("SELECT hash, name, value, seq FROM steps WHERE run_id = $p0 ORDER BY seq",
            r => new MemoizedStep(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt64(3)), ct, runId);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.HistoryColumns} FROM history WHERE run_id = $p0 ORDER BY seq", SqliteRows.History, ct, runId);

    public Task<IReadOnlyList<Decision>> DecisionsForFunctionAsync(string functionId, long fromMs, long toMs, int count, CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.DecisionColumns} FROM decisions WHERE function_id = $p0 AND at >= $p1 AND at <= $p2 ORDER BY seq LIMIT $p3",
            SqliteRows.Decision, ct, functionId, fromMs, toMs, count);

    public Task<IReadOnlyList<Decision>> DecisionsForEventAsync(long eventSeq, CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.DecisionColumns} FROM decisions WHERE event_seq = $p0 ORDER BY seq", SqliteRows.Decision, ct, eventSeq);

    public Task<IReadOnlyList<(string Key, string Value, long? ExpiresAt)>> KvListAsync(string ns, CancellationToken ct) =>
        QueryAsync("SELECT key, value, expires_at FROM kv WHERE ns = $p0 AND (expires_at IS NULL OR expires_at > $p1) ORDER BY key",
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct, ns, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public Task<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {SqliteRows.QueueColumns} FROM queue ORDER BY due_at", SqliteRows.Queue, ct);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params object?[] args)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
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
