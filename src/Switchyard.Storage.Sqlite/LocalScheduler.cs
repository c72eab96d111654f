using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Queue;

namespace Switchyard.Storage.Sqlite;

/// <summary>The single-process scheduler for the embedded store: an in-memory timer queue over the durable queue
/// table. On start it loads every queue item (so a restart resumes all work); afterwards it learns of new items
/// from post-commit callbacks, so the table is never polled. Due items run on the thread pool, bounded by
/// <see cref="ServerOptions.MaxConcurrentCalls"/>.
/// <para>Concurrency limits are enforced here: a run holds its slots from its first call until it has no call left
/// to make (it finished, or it sleeps or waits), so sleeping and waiting runs hold no slot. Calls of runs that
/// cannot get a slot wait, in due-time order (priority moves due times), until a holder releases.</para></summary>
public sealed class LocalScheduler(IStore store, Executor executor, WorkQueue queue, ServerOptions options, TimeProvider time, ILogger<LocalScheduler> logger)
    : BackgroundService, IWorkScheduler
{
    private readonly PriorityQueue<QueueItem, long> _due = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _callsPerRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ConcurrencySlot>> _slotsOfRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<QueueItem>> _blocked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waitRecorded = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _calls = new(options.MaxConcurrentCalls);
    private readonly InFlightItems _inFlight = new();

    /// <summary>Items known but not finished (for metrics and tests).</summary>
    public int Backlog { get { lock (_lock) return _known.Count; } }

    /// <summary>Runs holding a slot of <paramref name="slotKey"/> right now.</summary>
    public IReadOnlyCollection<string> Holders(string slotKey)
    {
        lock (_lock) return _holders.TryGetValue(slotKey, out var h) ? h.ToList() : [];
    }

    /// <inheritdoc />
    public void Committed(QueueItem item) => Schedule(item);

    /// <inheritdoc />
    public void Wake() => _wake.Release();

    /// <summary>Takes a committed item (or one loaded at start).</summary>
    public void Schedule(QueueItem item)
    {
        lock (_lock)
        {
            if (!_known.Add(item.Id)) return;
            if (item.Kind == QueueItemKind.Call) _callsPerRun[item.RunId] = _callsPerRun.GetValueOrDefault(item.RunId) + 1;
            _due.Enqueue(item, item.DueAt);
        }
        _wake.Release();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From now on every committed item reaches Schedule; what was committed before is loaded below.
        queue.Subscribe(this);
        Switchyard.Engine.Diagnostics.SwitchyardDiagnostics.Meter.CreateObservableGauge("switchyard.queue.depth", () => Backlog, "{item}", "Queue items known and not yet done");
        foreach (var item in await store.Reader.LoadQueueAsync(stoppingToken)) Schedule(item);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var ready = new List<QueueItem>();
            lock (_lock)
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                while (_due.TryPeek(out _, out var due) && due <= now) ready.Add(_due.Dequeue());
                wait = _due.TryPeek(out _, out var nextDue) ? TimeSpan.FromMilliseconds(Math.Min(nextDue - now, 60_000)) : TimeSpan.FromSeconds(60);
            }
            foreach (var item in ready)
            {
                // Take slots here, in due order, when the run's slots are known: a task per item would race and let a
                // later (lower-priority) call overtake an earlier one.
                if (item.Kind == QueueItemKind.Call && KnownSlots(item.RunId) is { } slots && Acquire(item, slots) is { } full)
                {
                    await RecordWaitingAsync(item, full, stoppingToken);
                    continue;
                }
                await _calls.WaitAsync(stoppingToken);
                // Items run on the in-flight token, not the stopping one: a stop ends claiming at once, but lets
                // running calls finish within shutdown_grace (StopAsync).
                _inFlight.Track(RunAsync(item, _inFlight.Aborted));
            }
            if (ready.Count == 0)
            {
                // The timer runs on the injected clock: a fake clock moved past the next due time wakes the loop.
                using var timer = new CancellationTokenSource(wait, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
                try { await _wake.WaitAsync(either.Token); }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Stops claiming, then lets the items in flight finish within <see cref="ServerOptions.ShutdownGrace"/>;
    /// calls still running after it are cut off and handed on as new attempts.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _inFlight.DrainAsync(options.ShutdownGrace, time, logger, cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _inFlight.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(QueueItem item, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            if (item.Kind == QueueItemKind.Call && !await TryAcquireAsync(item, stoppingToken)) return;
            await executor.ExecuteAsync(item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the item stays in the table and runs again after restart.
            return;
        }
        catch (Exception ex)
        {
            // The item is still in the table; try again shortly rather than lose it.
            logger.LogError(ex, "queue item {Id} failed; retrying in 5 s", item.Id);
            Finished(item);
            if (!stoppingToken.IsCancellationRequested) Schedule(item with { DueAt = time.GetUtcNow().AddSeconds(5).ToUnixTimeMilliseconds() });
            return;
        }
        finally
        {
            _calls.Release();
        }
        Finished(item);
    }

    private IReadOnlyList<ConcurrencySlot>? KnownSlots(string runId)
    {
        lock (_lock) return _slotsOfRun.GetValueOrDefault(runId);
    }

    /// <summary>Takes the run's concurrency slots, or parks the call until a slot frees up.</summary>
    private async Task<bool> TryAcquireAsync(QueueItem item, CancellationToken ct)
    {
        var slots = KnownSlots(item.RunId);
        if (slots is null)
        {
            var run = await store.Reader.GetRunAsync(item.RunId, ct);
            slots = RunFlow.FromJson(run?.Flow).Concurrency;
            lock (_lock) _slotsOfRun[item.RunId] = slots;
        }
        if (Acquire(item, slots) is not { } full) return true;
        await RecordWaitingAsync(item, full, ct);
        return false;
    }

    /// <summary>Gives the run its slots (or confirms it holds them) and returns null; or parks the item behind the
    /// first full slot and returns that slot.</summary>
    private ConcurrencySlot? Acquire(QueueItem item, IReadOnlyList<ConcurrencySlot> slots)
    {
        if (slots.Count == 0) return null;
        lock (_lock)
        {
            if (slots.All(s => _holders.TryGetValue(s.Key, out var h) && h.Contains(item.RunId))) return null;
            var full = slots.FirstOrDefault(s => _holders.TryGetValue(s.Key, out var h) && !h.Contains(item.RunId) && h.Count >= s.Limit);
            if (full is null)
            {
                foreach (var s in slots)
                {
                    if (!_holders.TryGetValue(s.Key, out var h)) _holders[s.Key] = h = new HashSet<string>(StringComparer.Ordinal);
                    h.Add(item.RunId);
                }
                return null;
            }
            if (!_blocked.TryGetValue(full.Key, out var list)) _blocked[full.Key] = list = [];
            list.Add(item);
            return full;
        }
    }

    /// <summary>Notes in the run's history, once per run, which slot it waits for.</summary>
    private Task RecordWaitingAsync(QueueItem item, ConcurrencySlot full, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_waitRecorded.Add(item.RunId)) return Task.CompletedTask;
        }
        return store.WriteAsync(tx =>
        {
            tx.AppendHistory(HistoryEntries.Step(tx, item.RunId, HistoryKind.ConcurrencyWaiting, null, attempt: item.Attempt, detail:
                RunAdvancer.Detail(new { key = full.Key, limit = full.Limit })));
            return 0;
        }, ct);
    }

    /// <summary>An item is done: once a run has no call left to make, its slots go to the calls waiting for them.</summary>
    private void Finished(QueueItem item)
    {
        var wake = false;
        lock (_lock)
        {
            _known.Remove(item.Id);
            if (item.Kind != QueueItemKind.Call) return;
            var left = _callsPerRun.GetValueOrDefault(item.RunId) - 1;
            if (left > 0)
            {
                _callsPerRun[item.RunId] = left;
                return;
            }
            _callsPerRun.Remove(item.RunId);
            _waitRecorded.Remove(item.RunId);
            if (!_slotsOfRun.Remove(item.RunId, out var slots)) return;
            foreach (var s in slots)
            {
                if (_holders.TryGetValue(s.Key, out var h) && h.Remove(item.RunId) && h.Count == 0) _holders.Remove(s.Key);
                if (_blocked.Remove(s.Key, out var waiting))
                {
                    foreach (var w in waiting) _due.Enqueue(w, w.DueAt);
                    wake = true;
                }
            }
        }
        if (wake) _wake.Release();
    }
}
