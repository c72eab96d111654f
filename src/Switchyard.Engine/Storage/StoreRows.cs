using System.Data.Common;
using System.Text.Json;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Storage;

/// <summary>Column lists and row mappers shared by every store's writer and reader, so each table is mapped once.</summary>
internal static class StoreRows
{
    public const string EventColumns = "seq, id, name, body, ts, received_at, source";
    public const string AppColumns = "id, url, sdk, framework, checksum, synced_at, created_at, function_count";
    public const string FunctionColumns = "id, app_id, config, paused, updated_at";
    public const string RunColumns = "id, function_id, app_id, event_id, event_seq, status, created_at, started_at, ended_at, output, error, version, force_plan, pending, parent_run_id, parent_step, flow, batch";
    public const string QueueColumns = "id, run_id, kind, step_id, attempt, due_at, payload";
    public const string WaitColumns = "id, run_id, step_hash, kind, event_name, expression, correlation, expires_at, created_at";
    public const string HistoryColumns = "seq, run_id, at, kind, step_hash, step_name, op, attempt, duration_ms, detail";
    public const string ReplicaColumns = "id, address, version, started_at, last_beat_at, stopped_at";
    public const string DecisionColumns = "event_id, event_seq, function_id, outcome, reason, run_id, at";

    /// <summary>Columns written on insert; reads add <c>seq</c> (store order, the FIFO tie-break).</summary>
    public const string WorkItemColumns = "id, family, priority, data, dedup_key, state, enqueued_at, attempt, not_before, dispatched_at, finished_at, lease_until, error, result, deduplicated";

    /// <summary>Finished runs past their status's cutoff, given the parameter names of the completed, failed and
    /// cancelled cutoffs. Queued and running runs (also those sleeping or waiting) never match. Shared by the deleting
    /// transaction and the dry-run count of every store, so both select the same rows.</summary>
    public static string ExpiredRuns(string completed, string failed, string cancelled) =>
        $"((status = '{RunStatus.Completed.ToWire()}' AND ended_at < {completed}) OR (status = '{RunStatus.Failed.ToWire()}' AND ended_at < {failed}) OR (status = '{RunStatus.Cancelled.ToWire()}' AND ended_at < {cancelled}))";

    /// <summary>Events (alias <c>e</c>) received before the parameter <paramref name="before"/> that no run has as its trigger.</summary>
    public static string UnreferencedEvents(string before) => $"e.received_at < {before} AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.event_seq = e.seq)";

    /// <summary>Every event sequence number in the given <c>runs.batch</c> values: retention keeps these events.</summary>
    public static HashSet<long> BatchMembers(IEnumerable<string> batches) =>
        batches.SelectMany(b => System.Text.Json.JsonSerializer.Deserialize<long[]>(b) ?? []).ToHashSet();

    public static WorkItem WorkItem(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), (Configuration.QueuePriority)Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), r.GetString(3), Str(r, 4),
        WireNames.Parse<WorkItemState>(r.GetString(5)), r.GetInt64(6), Convert.ToInt32(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(8),
        Long(r, 9), Long(r, 10), r.GetInt64(11), Str(r, 12), Str(r, 13), Convert.ToInt32(r.GetValue(14), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(15));

    public static WorkQueueCount WorkCount(DbDataReader r) => new(
        r.GetString(0), (Configuration.QueuePriority)Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), WireNames.Parse<WorkItemState>(r.GetString(2)),
        r.GetInt64(3), r.GetInt64(4), Convert.ToInt64(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture));

    public static StoredEvent Event(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6));

    public static AppRecord App(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Str(r, 2), Str(r, 3), r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetInt32(7));

    public static FunctionRecord Function(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<FunctionConfig>(r.GetString(2), ProtocolJson.Options)!, r.GetInt64(3) != 0, r.GetInt64(4));

    public static RunRecord Run(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), Kind(r.GetString(5), RunStatus.Failed), r.GetInt64(6),
        Long(r, 7), Long(r, 8), Str(r, 9), Str(r, 10), r.GetInt32(11), r.GetInt64(12) != 0,
        JsonSerializer.Deserialize<string[]>(r.GetString(13)) ?? [], Str(r, 14), Str(r, 15),
        Str(r, 16), r.IsDBNull(17) ? null : JsonSerializer.Deserialize<long[]>(r.GetString(17)));

    public static QueueItem Queue(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), WireNames.Parse<QueueItemKind>(r.GetString(2)), r.GetString(3), r.GetInt32(4), r.GetInt64(5), Str(r, 6));

    public static WaitRecord Wait(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), WireNames.Parse<WaitKind>(r.GetString(3)), Str(r, 4), Str(r, 5), Str(r, 6), r.GetInt64(7), r.GetInt64(8));

    public static HistoryEntry History(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), Kind(r.GetString(3), HistoryKind.Call), Str(r, 4), Str(r, 5), Str(r, 6), r.GetInt32(7),
            r.IsDBNull(8) ? null : r.GetDouble(8), Str(r, 9));

    public static Decision Decision(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), Kind(r.GetString(3), DecisionOutcome.Unavailable), r.GetString(4), Str(r, 5), r.GetInt64(6));

    public static string Pending(IReadOnlyList<string> pending) => JsonSerializer.Serialize(pending);

    /// <summary>Rows a newer version wrote may carry kinds this one does not know; views must still list them, so an
    /// unknown run status reads as <c>Failed</c> (terminal, so no engine loop picks the run up again), an unknown
    /// history kind as <c>call</c> and an unknown decision as <c>unavailable</c>. Queue items and waits stay strict:
    /// guessing their kind would make the engine act on them.</summary>
    internal static T Kind<T>(string text, T fallback) where T : struct, Enum =>
        WireNames.TryParse<T>(text, out var value) ? value : fallback;

    public static ReplicaRecord Replica(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), Long(r, 5));

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
