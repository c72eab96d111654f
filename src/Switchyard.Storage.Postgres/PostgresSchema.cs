using Npgsql;

namespace Switchyard.Storage.Postgres;

/// <summary>Versioned migrations for the PostgreSQL store. They run under a session advisory lock, so replicas that
/// start together migrate one after the other; each version commits with its own transaction.</summary>
internal static class PostgresSchema
{
    private const long MigrationLock = 0x5357_5944_4D49_4752; // "SWYDMIGR"

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events(
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            body TEXT NOT NULL,
            ts BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            source TEXT NOT NULL);
        CREATE INDEX ix_events_id ON events(id);
        CREATE INDEX ix_events_name ON events(name, seq);
        CREATE INDEX ix_events_received ON events(received_at);
        CREATE TABLE event_ids(id TEXT PRIMARY KEY, received_at BIGINT NOT NULL);

        CREATE TABLE apps(
            id TEXT PRIMARY KEY, url TEXT NOT NULL, sdk TEXT, framework TEXT, checksum TEXT NOT NULL,
            synced_at BIGINT NOT NULL, created_at BIGINT NOT NULL, function_count INT NOT NULL);
        CREATE TABLE functions(
            id TEXT NOT NULL, app_id TEXT NOT NULL, config TEXT NOT NULL, paused INT NOT NULL DEFAULT 0,
            updated_at BIGINT NOT NULL, PRIMARY KEY(id, app_id));

        CREATE TABLE runs(
            id TEXT PRIMARY KEY, function_id TEXT NOT NULL, app_id TEXT NOT NULL, event_id TEXT NOT NULL, event_seq BIGINT NOT NULL,
            status TEXT NOT NULL, created_at BIGINT NOT NULL, started_at BIGINT, ended_at BIGINT, output TEXT, error TEXT,
            version INT NOT NULL, force_plan INT NOT NULL, pending TEXT NOT NULL, parent_run_id TEXT, parent_step TEXT,
            flow TEXT, batch TEXT);
        CREATE INDEX ix_runs_event ON runs(event_seq);
        CREATE INDEX ix_runs_created ON runs(created_at);
        CREATE INDEX ix_runs_function ON runs(function_id, created_at);
        CREATE INDEX ix_runs_status ON runs(status, created_at);

        CREATE TABLE steps(run_id TEXT NOT NULL, hash TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT, value TEXT NOT NULL, PRIMARY KEY(run_id, hash));

        CREATE TABLE queue(
            id TEXT PRIMARY KEY, run_id TEXT NOT NULL, kind TEXT NOT NULL, step_id TEXT NOT NULL, attempt INT NOT NULL,
            due_at BIGINT NOT NULL, payload TEXT, lease_until BIGINT NOT NULL DEFAULT 0, lease_owner TEXT, blocked_on TEXT);
        CREATE INDEX ix_queue_run ON queue(run_id);
        CREATE INDEX ix_queue_due ON queue(due_at) WHERE blocked_on IS NULL;
        CREATE INDEX ix_queue_blocked ON queue(blocked_on) WHERE blocked_on IS NOT NULL;

        CREATE TABLE waits(
            id TEXT PRIMARY KEY, run_id TEXT NOT NULL, step_hash TEXT NOT NULL, kind TEXT NOT NULL, event_name TEXT,
            expression TEXT, correlation TEXT, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL);
        CREATE INDEX ix_waits_event ON waits(event_name);
        CREATE INDEX ix_waits_correlation ON waits(correlation);
        CREATE INDEX ix_waits_run ON waits(run_id);

        CREATE TABLE history(
            seq BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, step_hash TEXT,
            step_name TEXT, op TEXT, attempt INT NOT NULL, duration_ms DOUBLE PRECISION, detail TEXT);
        CREATE INDEX ix_history_run ON history(run_id, seq);

        CREATE TABLE decisions(
            seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL, event_seq BIGINT NOT NULL, function_id TEXT NOT NULL,
            outcome TEXT NOT NULL, reason TEXT NOT NULL, run_id TEXT, at BIGINT NOT NULL);
        CREATE INDEX ix_decisions_event ON decisions(event_seq);
        CREATE INDEX ix_decisions_function ON decisions(function_id, seq);

        CREATE TABLE kv(ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at BIGINT, updated_at BIGINT NOT NULL, PRIMARY KEY(ns, key));
        CREATE INDEX ix_kv_expires ON kv(expires_at);

        CREATE TABLE concurrency_slots(key TEXT NOT NULL, run_id TEXT NOT NULL, acquired_at BIGINT NOT NULL, PRIMARY KEY(key, run_id));
        CREATE INDEX ix_slots_run ON concurrency_slots(run_id);

        CREATE TABLE telemetry(
            seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, ts BIGINT NOT NULL, received_at BIGINT NOT NULL, level TEXT NOT NULL,
            source TEXT NOT NULL, component TEXT NOT NULL, action TEXT NOT NULL, duration_ms DOUBLE PRECISION, success INT, error TEXT,
            metadata TEXT NOT NULL, session_id TEXT, system_id TEXT, run_id TEXT, event_id TEXT,
            search tsvector GENERATED ALWAYS AS (to_tsvector('simple', action || ' ' || COALESCE(error, '') || ' ' || metadata || ' ' || component || ' ' || source)) STORED);
        CREATE INDEX ix_telemetry_ts ON telemetry(ts);
        CREATE INDEX ix_telemetry_received ON telemetry(received_at);
        CREATE INDEX ix_telemetry_run ON telemetry(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX ix_telemetry_event ON telemetry(event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX ix_telemetry_search ON telemetry USING GIN(search);
        """,
        // 2: the prioritized work queue (yard queue). Pauses and dedup keys live in kv.
        """
        CREATE TABLE work_items(
            seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, family TEXT NOT NULL, priority INT NOT NULL, data TEXT NOT NULL, dedup_key TEXT, state TEXT NOT NULL,
            enqueued_at BIGINT NOT NULL, attempt INT NOT NULL, not_before BIGINT NOT NULL, dispatched_at BIGINT, finished_at BIGINT,
            lease_until BIGINT NOT NULL, error TEXT, result TEXT, deduplicated INT NOT NULL);
        CREATE INDEX ix_work_items_next ON work_items(family, state, priority, enqueued_at);
        CREATE INDEX ix_work_items_state ON work_items(state, not_before);
        CREATE INDEX ix_work_items_enqueued ON work_items(enqueued_at);
        CREATE INDEX ix_work_items_finished ON work_items(finished_at) WHERE finished_at IS NOT NULL;
        """,
        // 3: server replicas' heartbeats (yard status / yard topology list live and dead replicas).
        """
        CREATE TABLE replicas(id TEXT PRIMARY KEY, address TEXT NOT NULL, version TEXT NOT NULL, started_at BIGINT NOT NULL, last_beat_at BIGINT NOT NULL, stopped_at BIGINT);
        """,
        // 4: retention finds finished runs by status and end, batch runs (whose events it keeps) by start, and old dedup claims.
        """
        CREATE INDEX ix_runs_ended ON runs(status, ended_at) WHERE ended_at IS NOT NULL;
        CREATE INDEX ix_runs_batch ON runs(created_at) WHERE batch IS NOT NULL;
        CREATE INDEX ix_event_ids_received ON event_ids(received_at);
        """,
    ];

    /// <summary>Brings the database to the newest version.</summary>
    public static void Migrate(NpgsqlConnection connection)
    {
        Exec(connection, $"SELECT pg_advisory_lock({MigrationLock})");
        try
        {
            Exec(connection, "CREATE TABLE IF NOT EXISTS schema_version(version INT NOT NULL)");
            using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection);
            var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            for (var v = version; v < Migrations.Length; v++)
            {
                using var tx = connection.BeginTransaction();
                using var step = new NpgsqlCommand(Migrations[v] + $";\nINSERT INTO schema_version(version) VALUES ({v + 1});", connection, tx);
                step.ExecuteNonQuery();
                tx.Commit();
            }
        }
        finally
        {
            Exec(connection, $"SELECT pg_advisory_unlock({MigrationLock})");
        }
    }

    private static void Exec(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }
}
