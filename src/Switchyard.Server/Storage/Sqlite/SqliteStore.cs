using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchyard.Server.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit is on disk
/// when it returns. Writes are group-committed by one writer thread (SQLite allows one writer anyway); readers use
/// their own pooled connections and never wait for the writer.</summary>
public sealed class SqliteStore : GroupCommitWriter, IStore
{
    private readonly string _connectionString;
    private SqliteConnection? _writer;
    private SqliteTransaction? _tx;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteTelemetryLog _telemetry;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>.</summary>
    public SqliteStore(string path, ILogger<SqliteStore> logger) : base(logger)
    {
        Location = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Location, Pooling = true, DefaultTimeout = 30 }.ToString();
        _telemetry = new SqliteTelemetryLog(TelemetryPath(Location), logger);
        Reader = new SqliteReader(_connectionString, _telemetry.ConnectionString);
        _checkpointer = new SqliteCheckpointer(_connectionString, logger);
    }

    /// <inheritdoc />
    public string Kind => "sqlite";

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public IStoreReader Reader { get; }

    /// <summary>The telemetry log's file for a store at <paramref name="path"/>: <c>switchyard.db</c> →
    /// <c>switchyard-telemetry.db</c>.</summary>
    public static string TelemetryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-telemetry" + Path.GetExtension(path));

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(Location);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        foreach (var pragma in new[]
        {
            "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=30000", "PRAGMA foreign_keys=OFF",
            // Checkpoints mostly run beside the writer (SqliteCheckpointer). Under sustained load those never catch
            // up with the last frame, and only a checkpoint that does lets the next commit start the WAL over; so the
            // writer still checkpoints itself every 4,000 pages, by then with little left to copy. A WAL file left
            // larger than the limit is cut back when it restarts.
            "PRAGMA wal_autocheckpoint=4000", "PRAGMA journal_size_limit=67108864",
        })
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = pragma;
            cmd.ExecuteNonQuery();
        }
        SqliteSchema.Migrate(_writer);
        _telemetry.Initialize();
        _tx = new SqliteTransaction(_writer);
        StartWriter("switchyard-sqlite-writer");
        _checkpointer.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken = default) => Enqueue(work);

    /// <inheritdoc />
    public Task<T> WriteTelemetryAsync<T>(Func<ITelemetryTransaction, T> work, CancellationToken cancellationToken = default) => _telemetry.WriteAsync(work);

    /// <inheritdoc />
    protected override IStoreTransaction Transaction => _tx!;
    /// <inheritdoc />
    protected override IReadOnlyList<Action> Callbacks => _tx!.Callbacks;
    /// <inheritdoc />
    protected override int CallbackMark => _tx!.CallbackMark;
    /// <inheritdoc />
    protected override void TruncateCallbacks(int mark) => _tx!.TruncateCallbacks(mark);

    /// <inheritdoc />
    protected override void Begin(long now)
    {
        _tx!.Now = now;
        _tx.ClearCallbacks();
        _tx.Execute("BEGIN IMMEDIATE");
    }

    /// <inheritdoc />
    protected override void Savepoint() => _tx!.Execute("SAVEPOINT w");
    /// <inheritdoc />
    protected override void Release() => _tx!.Execute("RELEASE w");
    /// <inheritdoc />
    protected override void RollbackToSavepoint() => _tx!.Execute("ROLLBACK TO w");
    /// <inheritdoc />
    protected override void Commit() => _tx!.Execute("COMMIT");
    /// <inheritdoc />
    protected override void Rollback() => _tx!.Execute("ROLLBACK");

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _telemetry.DisposeAsync();
        await _checkpointer.DisposeAsync();
        _tx?.Dispose();
        if (_writer is not null) await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
