using Microsoft.Data.Sqlite;

namespace Switchyard.Storage.Sqlite;

/// <summary>Versioned schema migrations for the SQLite store. Each entry moves the schema one version forward and
/// runs in its own transaction, so a crash mid-migration leaves the previous version intact.</summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            body TEXT NOT NULL,
            ts INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            source TEXT NOT NULL);
        CREATE INDEX ix_events_id ON events(id);
        CREATE INDEX ix_events_name ON events(name, seq);
        CREATE INDEX ix_events_received ON events(received_at);

        CREATE TABLE apps(
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            sdk TEXT,
            framework TEXT,
            checksum TEXT NOT NULL,
            synced_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            function_count INTEGER NOT NULL);

        CREATE TABLE functions(
            id TEXT NOT NULL,
            app_id TEXT NOT NULL,
            config TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY(id, app_id));
        CREATE INDEX ix_functions_app ON functions(app_id);

        CREATE TABLE runs(
            id TEXT PRIMARY KEY,
            function_id TEXT NOT NULL,
            app_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            ended_at INTEGER,
            output TEXT,
            error TEXT,
            version INTEGER NOT NULL,
            force_plan INTEGER NOT NULL,
            pending TEXT NOT NULL,
            parent_run_id TEXT,
            parent_step TEXT);
        CREATE INDEX ix_runs_event ON runs(event_seq);
        CREATE INDEX ix_runs_created ON runs(created_at);
        CREATE INDEX ix_runs_function ON runs(function_id, created_at);
        CREATE INDEX ix_runs_status ON runs(status, created_at);

        CREATE TABLE steps(
            run_id TEXT NOT NULL,
            hash TEXT NOT NULL,
            seq INTEGER NOT NULL,
            name TEXT,
            value TEXT NOT NULL,
            PRIMARY KEY(run_id, hash));

        CREATE TABLE queue(
            id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            step_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            payload TEXT);
        CREATE INDEX ix_queue_run ON queue(run_id);

        CREATE TABLE waits(
            id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL,
            step_hash TEXT NOT NULL,
            kind TEXT NOT NULL,
            event_name TEXT,
            expression TEXT,
            correlation TEXT,
            expires_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE INDEX ix_waits_event ON waits(event_name);
        CREATE INDEX ix_waits_correlation ON waits(correlation);
        CREATE INDEX ix_waits_run ON waits(run_id);

        CREATE TABLE history(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            step_hash TEXT,
            step_name TEXT,
            op TEXT,
            attempt INTEGER NOT NULL,
            duration_ms REAL,
            detail TEXT);
        CREATE INDEX ix_history_run ON history(run_id, seq);

        CREATE TABLE decisions(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            event_seq INTEGER NOT NULL,
            function_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            run_id TEXT,
            at INTEGER NOT NULL);
        CREATE INDEX ix_decisions_event ON decisions(event_seq);
        CREATE INDEX ix_decisions_function ON decisions(function_id, seq);
        """,
        """
        CREATE TABLE kv(
            ns TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            expires_at INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY(ns, key));
        CREATE INDEX ix_kv_expires ON kv(expires_at);
        """,
        """
        ALTER TABLE runs ADD COLUMN flow TEXT;
        ALTER TABLE runs ADD COLUMN batch TEXT;
        """,
        // 4: telemetry, with an external-content FTS5 index kept in step by triggers.
        TelemetryTables,
        // 5: telemetry moves to a database file of its own (SqliteTelemetryLog), written by its own writer.
        """
        DROP TRIGGER telemetry_fts_insert;
        DROP TRIGGER telemetry_fts_delete;
        DROP TABLE telemetry_fts;
        DROP TABLE telemetry;
        """,
        // 6: the prioritized work queue (yard queue). Pauses and dedup keys live in kv.
        """
        CREATE TABLE work_items(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            family TEXT NOT NULL,
            priority INTEGER NOT NULL,
            data TEXT NOT NULL,
            dedup_key TEXT,
            state TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            not_before INTEGER NOT NULL,
            dispatched_at INTEGER,
            finished_at INTEGER,
            lease_until INTEGER NOT NULL,
            error TEXT,
            result TEXT,
            deduplicated INTEGER NOT NULL);
        CREATE INDEX ix_work_items_next ON work_items(family, state, priority, enqueued_at);
        CREATE INDEX ix_work_items_state ON work_items(state, not_before);
        CREATE INDEX ix_work_items_enqueued ON work_items(enqueued_at);
        CREATE INDEX ix_work_items_finished ON work_items(finished_at) WHERE finished_at IS NOT NULL;
        """,
        // 7: server replicas' heartbeats (yard status / yard topology list live and dead replicas).
        """
        CREATE TABLE replicas(id TEXT PRIMARY KEY, address TEXT NOT NULL, version TEXT NOT NULL, started_at INTEGER NOT NULL, last_beat_at INTEGER NOT NULL, stopped_at INTEGER);
        """,
        // 8: retention finds finished runs by status and end, and batch runs (whose events it keeps) by start.
        """
        CREATE INDEX ix_runs_ended ON runs(status, ended_at) WHERE ended_at IS NOT NULL;
        CREATE INDEX ix_runs_batch ON runs(created_at) WHERE batch IS NOT NULL;
        """,
    ];

    /// <summary>The telemetry log's own database: schema version 1.</summary>
    private static readonly string[] TelemetryMigrations = [TelemetryTables];

    /// <summary>Telemetry, with an external-content FTS5 index kept in step by triggers.</summary>
    private const string TelemetryTables = """
        CREATE TABLE telemetry(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            ts INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            level TEXT NOT NULL,
            source TEXT NOT NULL,
            component TEXT NOT NULL,
            action TEXT NOT NULL,
            duration_ms REAL,
            success INTEGER,
            error TEXT,
            metadata TEXT NOT NULL,
            session_id TEXT,
            system_id TEXT,
            run_id TEXT,
            event_id TEXT);
        CREATE INDEX ix_telemetry_ts ON telemetry(ts);
        CREATE INDEX ix_telemetry_received ON telemetry(received_at);
        CREATE INDEX ix_telemetry_run ON telemetry(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX ix_telemetry_event ON telemetry(event_id) WHERE event_id IS NOT NULL;
        CREATE VIRTUAL TABLE telemetry_fts USING fts5(action, error, metadata, component, source, content='telemetry', content_rowid='seq');
        CREATE TRIGGER telemetry_fts_insert AFTER INSERT ON telemetry BEGIN
            INSERT INTO telemetry_fts(rowid, action, error, metadata, component, source)
            VALUES (new.seq, new.action, new.error, new.metadata, new.component, new.source);
        END;
        CREATE TRIGGER telemetry_fts_delete AFTER DELETE ON telemetry BEGIN
            INSERT INTO telemetry_fts(telemetry_fts, rowid, action, error, metadata, component, source)
            VALUES ('delete', old.seq, old.action, old.error, old.metadata, old.component, old.source);
        END;
        """;

    /// <summary>Brings the main database to the newest version.</summary>
    public static void Migrate(SqliteConnection connection) => Apply(connection, Migrations);

    /// <summary>Brings the telemetry database to the newest version.</summary>
    public static void MigrateTelemetry(SqliteConnection connection) => Apply(connection, TelemetryMigrations);

    private static void Apply(SqliteConnection connection, string[] migrations)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        for (var v = version; v < migrations.Length; v++)
        {
            using var tx = connection.BeginTransaction();
            using var step = connection.CreateCommand();
            step.Transaction = tx;
            step.CommandText = migrations[v] + $";\nINSERT INTO schema_version(version) VALUES ({v + 1});";
            step.ExecuteNonQuery();
            tx.Commit();
        }
    }

    /// <summary>The newest schema version.</summary>
    public static int Version => Migrations.Length;
}
