using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>One SQLite database file in WAL mode with <c>synchronous=FULL</c>, so a commit is on disk when it returns,
/// group-committed by a writer thread of its own over one connection. The store's main file and its telemetry log
/// are each one of these.</summary>
public abstract class SqliteWriter : GroupCommitWriter
{
    // Every work runs in a savepoint, whose undo copies (the sub-journal) SQLite spills to a temporary file past 64 KiB:
    // two pwrite calls per page per statement, which was most of the writer's time. In memory they cost a copy. The
    // sub-journal only undoes a savepoint of the open transaction; durability is the WAL's and is unchanged.
    private const string TempStore = "PRAGMA temp_store=MEMORY";
    private SqliteConnection? _connection;
    private SqliteTransaction? _tx;

    /// <summary>Names the file; <see cref="Open"/> opens it.</summary>
    protected SqliteWriter(string path, ILogger logger, TimeProvider? time = null) : base(logger, time)
    {
        Location = Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Location, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Location { get; }

    /// <summary>Connection string for other connections to the file (readers, checkpoints).</summary>
    public string ConnectionString { get; }

    /// <summary>Opens (creating if needed) the file, applies the pragmas and the schema, and starts the writer.</summary>
    /// <param name="threadName">Name of the writer thread.</param>
    /// <param name="pragmas">Pragmas beyond WAL, <c>synchronous=FULL</c> and the busy timeout.</param>
    /// <param name="migrate">Brings the schema to its newest version.</param>
    private protected void Open(string threadName, IEnumerable<string> pragmas, Action<SqliteConnection> migrate)
    {
        var dir = Path.GetDirectoryName(Location);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _connection = new SqliteConnection(ConnectionString);
        _connection.Open();
        foreach (var pragma in new[] { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=30000", TempStore }.Concat(pragmas))
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = pragma;
            cmd.ExecuteNonQuery();
        }
        migrate(_connection);
        _tx = new SqliteTransaction(_connection);
        StartWriter(threadName);
    }

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
        _tx.ForgetReads();
        _tx.Execute("BEGIN IMMEDIATE");
    }

    /// <inheritdoc />
    protected override void Savepoint() => _tx!.Execute("SAVEPOINT w");
    /// <inheritdoc />
    protected override void Release() => _tx!.Execute("RELEASE w");
    /// <inheritdoc />
    protected override void RollbackToSavepoint()
    {
        _tx!.ForgetReads();
        _tx.Execute("ROLLBACK TO w");
    }
    /// <inheritdoc />
    protected override void Commit() => _tx!.Execute("COMMIT");
    /// <inheritdoc />
    protected override void Rollback()
    {
        _tx!.ForgetReads();
        _tx.Execute("ROLLBACK");
    }

    /// <summary>Stops the writer, then closes the connection.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _tx?.Dispose();
        if (_connection is not null) await _connection.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
