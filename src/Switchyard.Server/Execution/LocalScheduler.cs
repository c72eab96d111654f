using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Server.Configuration;
using Switchyard.Server.Storage;

namespace Switchyard.Server.Execution;

/// <summary>The single-process scheduler for the embedded store: an in-memory timer queue over the durable queue
/// table. On start it loads every queue item (so a restart resumes all work); afterwards it learns of new items
/// from post-commit callbacks, so the table is never polled. Due items run on the thread pool, bounded by
/// <see cref="ServerOptions.MaxConcurrentCalls"/>.</summary>
public sealed class LocalScheduler(IStore store, IServiceProvider services, ServerOptions options, ILogger<LocalScheduler> logger)
    : BackgroundService, IWorkScheduler
{
    private readonly PriorityQueue<QueueItem, long> _due = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentCalls);
    private Executor? _executor;

    /// <summary>Items known but not finished (for metrics and tests).</summary>
    public int Backlog { get { lock (_lock) return _known.Count; } }

    /// <inheritdoc />
    public void Schedule(QueueItem item)
    {
        lock (_lock)
        {
            if (!_known.Add(item.Id)) return;
            _due.Enqueue(item, item.DueAt);
        }
        _wake.Release();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _executor = (Executor)services.GetService(typeof(Executor))!;
        foreach (var item in await store.Reader.LoadQueueAsync(stoppingToken)) Schedule(item);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var ready = new List<QueueItem>();
            lock (_lock)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                while (_due.TryPeek(out var next, out var due) && due <= now) ready.Add(_due.Dequeue());
                wait = _due.TryPeek(out _, out var nextDue) ? TimeSpan.FromMilliseconds(Math.Min(nextDue - now, 60_000)) : TimeSpan.FromSeconds(60);
            }
            foreach (var item in ready)
            {
                await _slots.WaitAsync(stoppingToken);
                _ = RunAsync(item, stoppingToken);
            }
            if (ready.Count == 0)
            {
                try { await _wake.WaitAsync(wait, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task RunAsync(QueueItem item, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await _executor!.ExecuteAsync(item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the item stays in the table and runs again after restart.
        }
        catch (Exception ex)
        {
            // The item is still in the table; try again shortly rather than lose it.
            logger.LogError(ex, "queue item {Id} failed; retrying in 5 s", item.Id);
            lock (_lock) _known.Remove(item.Id);
            if (!stoppingToken.IsCancellationRequested) Schedule(item with { DueAt = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds() });
            return;
        }
        finally
        {
            _slots.Release();
        }
        lock (_lock) _known.Remove(item.Id);
    }
}
