using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchyard.Server.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit is on disk
/// when it returns. One writer thread takes every pending write, runs them in a single transaction (each inside a
/// savepoint, so one failing caller does not undo the others) and commits once: many small durable writes cost one
/// fsync. Readers use their own pooled connections and never wait for the writer.</summary>
public sealed class SqliteStore : IStore
{
    private const int MaxBatch = 1024;

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private Thread? _writerThread;
    private SqliteConnection? _writer;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>.</summary>
    public SqliteStore(string path, ILogger<SqliteStore> logger)
    {
        Location = Path.GetFullPath(path);
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Location, Pooling = true, DefaultTimeout = 30 }.ToString();
        Reader = new SqliteReader(_connectionString);
    }

    /// <inheritdoc />
    public string Kind => "sqlite";

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public IStoreReader Reader { get; }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(Location);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        foreach (var pragma in new[] { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=30000", "PRAGMA foreign_keys=OFF" })
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = pragma;
            cmd.ExecuteNonQuery();
        }
        SqliteSchema.Migrate(_writer);
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "switchyard-sqlite-writer" };
        _writerThread.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken = default)
    {
        var item = new Work<T>(work);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(SqliteStore), "the store is closed");
        return item.Task;
    }

    private void WriterLoop()
    {
        using var tx = new SqliteTransaction(_writer!);
        var batch = new List<IWork>(MaxBatch);
        var done = new List<IWork>(MaxBatch);
        while (true)
        {
            if (!_queue.Reader.TryRead(out var first))
            {
                if (!_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                continue;
            }
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);

            tx.Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            tx.ClearCallbacks();
            try
            {
                tx.Execute("BEGIN IMMEDIATE");
            }
            catch (Exception ex)
            {
                foreach (var w in batch) w.Fail(ex);
                batch.Clear();
                continue;
            }
            foreach (var work in batch)
            {
                var mark = tx.CallbackMark;
                tx.Execute("SAVEPOINT w");
                try
                {
                    work.Run(tx);
                    tx.Execute("RELEASE w");
                    done.Add(work);
                }
                catch (Exception ex)
                {
                    tx.Execute("ROLLBACK TO w");
                    tx.Execute("RELEASE w");
                    tx.TruncateCallbacks(mark);
                    work.Fail(ex);
                }
            }
            try
            {
                tx.Execute("COMMIT");
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "commit failed; {Count} writes rejected", done.Count);
                try { tx.Execute("ROLLBACK"); } catch (SqliteException) { }
                foreach (var w in done) w.Fail(ex);
                done.Clear();
                batch.Clear();
                continue;
            }
            foreach (var callback in tx.Callbacks)
            {
                try { callback(); }
                catch (Exception ex) { _logger.LogError(ex, "post-commit action failed"); }
            }
            foreach (var w in done) w.Complete();
            done.Clear();
            batch.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writerThread is not null) await Task.Run(() => _writerThread.Join());
        if (_writer is not null) await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private interface IWork
    {
        void Run(IStoreTransaction tx);
        void Complete();
        void Fail(Exception ex);
    }

    private sealed class Work<T>(Func<IStoreTransaction, T> work) : IWork
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _tcs.Task;
        public void Run(IStoreTransaction tx) => _result = work(tx);
        public void Complete() => _tcs.TrySetResult(_result);
        public void Fail(Exception ex) => _tcs.TrySetException(ex);
    }
}
