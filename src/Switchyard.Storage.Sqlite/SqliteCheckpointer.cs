using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchyard.Storage.Sqlite;

/// <summary>Copies committed pages from the WAL back into the database file, on its own connection and thread.</summary>
/// <remarks>SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so every thousandth page
/// or so one commit (and everyone waiting on it) also pays for writing pages into the main file and syncing it. This
/// loop runs passive checkpoints instead, which never block the writer; the writer's own checkpoint becomes rare
/// (<c>wal_autocheckpoint=4000</c>) and finds most pages already copied.</remarks>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public SqliteCheckpointer(string connectionString, ILogger logger)
    {
        _connectionString = connectionString;
        _logger = logger;
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckpointAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before or while the connection opened: stopping is not a failure.
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        // Not pooled: a checkpoint connection must not be handed to readers, and it lives as long as the store.
        await using var connection = new SqliteConnection(_connectionString + ";Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, cancellationToken);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException e)
            {
                // Busy or I/O trouble: the next round tries again; the WAL only grows meanwhile.
                _logger.LogWarning(e, "WAL checkpoint failed; retrying");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
