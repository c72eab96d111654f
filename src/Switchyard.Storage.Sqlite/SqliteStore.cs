using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit is on disk
/// when it returns. Writes are group-committed by one writer thread (SQLite allows one writer anyway); readers use
/// their own pooled connections and never wait for the writer. Telemetry lives in a file of its own
/// (<see cref="TelemetryPath"/>).</summary>
public sealed class SqliteStore : SqliteWriter, IStore
{
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteTelemetryLog _telemetry;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>.</summary>
    public SqliteStore(string path, ILogger<SqliteStore> logger, TimeProvider? time = null) : base(path, logger, time)
    {
        _telemetry = new SqliteTelemetryLog(TelemetryPath(Location), logger);
        Reader = new SqliteReader(ConnectionString, _telemetry.ConnectionString, Time);
        _checkpointer = new SqliteCheckpointer(ConnectionString, logger);
    }

    /// <inheritdoc />
    public string Kind => "sqlite";

    /// <inheritdoc />
    public IStoreReader Reader { get; }

    /// <summary>The telemetry log's file for a store at <paramref name="path"/>: <c>switchyard.db</c> →
    /// <c>switchyard-telemetry.db</c>.</summary>
    public static string TelemetryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-telemetry" + Path.GetExtension(path));

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        Open("switchyard-sqlite-writer",
        [
            "PRAGMA foreign_keys=OFF",
            // Checkpoints mostly run beside the writer (SqliteCheckpointer). Under sustained load those never catch
            // up with the last frame, and only a checkpoint that does lets the next commit start the WAL over; so the
            // writer still checkpoints itself every 4,000 pages, by then with little left to copy. A WAL file left
            // larger than the limit is cut back when it restarts.
            "PRAGMA wal_autocheckpoint=4000", "PRAGMA journal_size_limit=67108864",
        ], SqliteSchema.Migrate);
        _telemetry.Initialize();
        _checkpointer.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken = default) => Enqueue(work);

    /// <inheritdoc />
    public Task<T> WriteTelemetryAsync<T>(Func<ITelemetryTransaction, T> work, CancellationToken cancellationToken = default) => _telemetry.WriteAsync(work);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _telemetry.DisposeAsync();
        await _checkpointer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
