using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchyard.Server.Storage.Sqlite;

/// <summary>The telemetry log of the SQLite store: a database file of its own next to the main one, in WAL mode with
/// <c>synchronous=FULL</c>, group-committed by a writer thread of its own.</summary>
/// <remarks>SQLite has one writer per database file. Telemetry in the main file made every engine commit also update
/// the telemetry table, its indexes and its full-text index, on the engine's one writer thread, which was most of what
/// limited runs per second. In a file of its own it is written on another thread (another core when there is one) and
/// only ever waits for itself. Nothing joins telemetry with engine tables in one statement, so nothing is lost by the
/// split; a telemetry record describing an engine change is written just after that change commits.</remarks>
internal sealed class SqliteTelemetryLog : GroupCommitWriter
{
    private readonly string _connectionString;
    private SqliteConnection? _connection;
    private SqliteTransaction? _tx;

    public SqliteTelemetryLog(string path, ILogger logger) : base(logger)
    {
        Location = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Location { get; }

    /// <summary>Connection string for readers of the log.</summary>
    public string ConnectionString => _connectionString;

    public void Initialize()
    {
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        foreach (var pragma in new[] { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=30000" })
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = pragma;
            cmd.ExecuteNonQuery();
        }
        SqliteSchema.MigrateTelemetry(_connection);
        _tx = new SqliteTransaction(_connection);
        StartWriter("switchyard-sqlite-telemetry");
    }

    public Task<T> WriteAsync<T>(Func<ITelemetryTransaction, T> work) => Enqueue(tx => work((ITelemetryTransaction)tx));

    protected override IStoreTransaction Transaction => _tx!;
    protected override IReadOnlyList<Action> Callbacks => _tx!.Callbacks;
    protected override int CallbackMark => _tx!.CallbackMark;
    protected override void TruncateCallbacks(int mark) => _tx!.TruncateCallbacks(mark);

    protected override void Begin(long now)
    {
        _tx!.Now = now;
        _tx.ClearCallbacks();
        _tx.Execute("BEGIN IMMEDIATE");
    }

    protected override void Savepoint() => _tx!.Execute("SAVEPOINT w");
    protected override void Release() => _tx!.Execute("RELEASE w");
    protected override void RollbackToSavepoint() => _tx!.Execute("ROLLBACK TO w");
    protected override void Commit() => _tx!.Execute("COMMIT");
    protected override void Rollback() => _tx!.Execute("ROLLBACK");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _tx?.Dispose();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
