using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Postgres;

/// <summary>The scale-out store: several server replicas share one PostgreSQL database. Writes are group-committed
/// per replica (one transaction, one WAL flush for many callers); conflicts between replicas are serialized by row
/// and advisory locks taken where the engine decides (see <see cref="PostgresTransaction"/>), and a deadlock or
/// serialization failure reruns the affected work.</summary>
public sealed class PostgresStore : GroupCommitWriter, IStore
{
    private readonly NpgsqlDataSource _dataSource;
    private NpgsqlConnection? _writer;
    private PostgresTransaction? _tx;

    /// <summary>Connects to <paramref name="connectionString"/> (a <c>postgres://</c> URL or a keyword string).</summary>
    public PostgresStore(string connectionString, ILogger<PostgresStore> logger, TimeProvider? time = null) : base(logger, time)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(connectionString)) { Enlist = false };
        // Calls, readers, the writer and the scheduler share the pool; the default 100 is tight at 256 calls in flight.
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
            builder.MaxPoolSize = 200;
        // The writer, the scheduler and readers send the same few statements all day: prepared once per connection,
        // PostgreSQL parses and plans each only once.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }
        // A pooled connection is reset when it goes back to the pool (DISCARD ALL's parts: RESET ALL, UNLISTEN *,
        // pg_advisory_unlock_all, …), a round trip and ~140 us of PostgreSQL CPU for every reader and scheduler
        // operation: 8.5 per durable run in bench/pg.sh runs. Nothing here leaves session state on a pooled
        // connection: locks are transaction-scoped (the migration's session lock is unlocked in a finally, on the
        // writer's own connection), nothing SETs a session setting, and LISTEN is on the listener's own unpooled
        // connection (PostgresScheduler).
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
            builder.NoResetOnClose = true;
        ConnectionString = builder.ConnectionString;
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        Reader = new PostgresReader(_dataSource, Time);
    }

    /// <summary>The connection string in effect (for the scheduler's own connections).</summary>
    public string ConnectionString { get; }

    /// <summary>The pooled data source.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <inheritdoc />
    public string Kind => "postgres";

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public IStoreReader Reader { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _writer = await _dataSource.OpenConnectionAsync(cancellationToken);
        PostgresSchema.Migrate(_writer);
        _tx = new PostgresTransaction(_writer, Location);
        StartWriter("switchyard-postgres-writer");
    }

    /// <inheritdoc />
    public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken = default) => Enqueue(work);

    /// <inheritdoc />
    public Task<T> WriteTelemetryAsync<T>(Func<ITelemetryTransaction, T> work, CancellationToken cancellationToken = default) =>
        Enqueue(tx => work((ITelemetryTransaction)tx));

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
        _tx!.Reset();
        _tx.Now = now;
        if (_writer!.State != System.Data.ConnectionState.Open)
        {
            // The connection was lost (a restart, a failover, a killed backend): open it again, or fail this batch
            // and try again with the next one, instead of refusing every write from now on.
            _writer.Close();
            _writer.Open();
        }
        _tx.Transaction = _writer.BeginTransaction();
    }

    /// <inheritdoc />
    protected override void Savepoint() => _tx!.Savepoint();
    /// <inheritdoc />
    protected override void Release() => _tx!.Release();
    /// <inheritdoc />
    protected override void RollbackToSavepoint() => _tx!.RollbackToSavepoint();

    /// <inheritdoc />
    protected override void Commit()
    {
        _tx!.Commit();
        _tx.Transaction!.Dispose();
        _tx.Transaction = null;
    }

    /// <inheritdoc />
    protected override void Rollback()
    {
        try
        {
            _tx!.Transaction?.Rollback();
        }
        finally
        {
            // A transaction whose connection broke cannot roll back, but it must still be let go.
            _tx!.Transaction?.Dispose();
            _tx.Transaction = null;
        }
    }

    /// <inheritdoc />
    protected override bool IsTransient(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <inheritdoc />
    protected override bool LostReleasedWrites(Exception ex) => ex is ReleasedWritesLostException;

    /// <inheritdoc />
    protected override void SetCautious(bool cautious) => _tx!.PipelineWorks = !cautious;

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _tx?.Dispose();
        if (_writer is not null) await _writer.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
