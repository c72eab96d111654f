using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Work;

/// <summary>Dispatches work-queue items. For each family with due work: skip it while paused (a pause past its end is
/// removed here), give back items whose dispatcher stopped mid-dispatch, then, while fewer than <c>concurrency</c> are
/// active, take items in <see cref="WorkOrder"/> (effective priority, then FIFO) and hand them to the family's handler.
/// The claim runs in a write transaction that, on PostgreSQL, locks the family (<see cref="IStoreTransaction.CountActiveWork"/>),
/// so replicas never exceed a family's concurrency between them.</summary>
/// <remarks>An item is active from its dispatch until its handler finishes. <c>event</c>: the bus event (id
/// <c>queue:{itemId}</c>) is ingested in the same transaction that marks the item done, so an item is done exactly
/// when its event is stored. <c>pipeline</c>: done when the launch is recorded, in the launcher's transaction (the
/// pipeline run itself is followed by <c>yard dag</c>, not by the item). <c>http</c> (<see cref="WorkHttpSender"/>):
/// active until the answer arrives (2xx = done), with a lease of the timeout plus a minute after which another pass gives the item back. A failed
/// attempt is retried with doubling backoff (<c>retry_base_delay</c> up to <c>retry_max_delay</c>) up to the
/// family's <c>retries</c>, then the item is failed.</remarks>
public sealed class QueueDispatcher(
    IStore store, EventIngest ingest, QueueFamilies families, QueuePauses pauses, QueueTelemetry telemetry, WorkSignal signal,
    IEnumerable<IPipelineLauncher> launchers, WorkHttpSender sender, ServerOptions options, TimeProvider time, ILogger<QueueDispatcher> logger)
    : BackgroundService
{
    /// <summary>How often the dispatcher looks without a wake-up.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Most items one transaction dispatches (for handlers that finish inside it).</summary>
    public const int Batch = 256;

    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(1);
    private readonly IPipelineLauncher? _launcher = launchers.LastOrDefault();
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (families.Names.Count == 0) return;
        foreach (var name in families.Names)
            if (families.Find(name) is { Handler: QueueHandlerKind.Pipeline } f && (_launcher is null || !_launcher.Exists(f.Pipeline)))
                logger.LogWarning("queue family {Family} starts pipeline {Pipeline}, which {Problem}: its items will fail", name, f.Pipeline,
                    _launcher is null ? "this server cannot run (no pipeline launcher)" : "is not declared");
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "work queue dispatch failed; retrying");
            }
            if (more) continue;
            try { await signal.WaitAsync(PollInterval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        // In-flight http handlers were cancelled with the token; their items are given back when their lease ends.
        try { await Task.WhenAll(_inFlight.Values); }
        catch (Exception ex) { logger.LogWarning(ex, "an http handler failed while the work queue stopped"); }
    }

    /// <summary>One look at every family with due work; true when a family may have more right away.</summary>
    public async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        await PruneAsync(cancellationToken);
        var paused = await pauses.ExpireAsync(cancellationToken);
        var more = false;
        foreach (var family in await store.Reader.DueWorkFamiliesAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            // Items of a family no longer declared stay queued (yard queue why says so) until it is declared again.
            if (paused.Contains(family) || families.Find(family) is not { Handler: { } handler } f) continue;
            try
            {
                more |= handler switch
                {
                    QueueHandlerKind.Event => await DispatchEventsAsync(family, f, cancellationToken),
                    QueueHandlerKind.Pipeline => await DispatchPipelinesAsync(family, f, cancellationToken),
                    _ => await DispatchHttpAsync(family, f, cancellationToken),
                };
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One family's failure (e.g. an event its handler cannot send) must not hold up the others.
                logger.LogError(ex, "dispatching queue family {Family} failed; retrying on the next pass", family);
            }
        }
        return more;
    }

    /// <summary>Deletes items that ended longer than <c>[queue] retention</c> ago, at most once a minute.</summary>
    private async Task PruneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (families.Retention <= TimeSpan.Zero || now < _nextPrune) return;
        _nextPrune = now + PruneInterval;
        var cutoff = (now - families.Retention).ToUnixTimeMilliseconds();
        // In slices, so a large backlog of old items never holds the writer for long.
        while (await store.WriteAsync(tx => tx.PruneWorkItems(cutoff, 1000), ct) == 1000) { }
    }

    private async Task<bool> DispatchEventsAsync(string family, QueueFamilyOptions f, CancellationToken ct)
    {
        var dispatched = await ingest.WriteAsync(tx =>
        {
            var items = Claim(tx, family, f, Batch);
            foreach (var item in items)
            {
                var eventId = "queue:" + item.Id;
                var done = Finish(tx, Dispatch(tx, item), eventId);
                // Raised, so EventIngest stores it in this transaction: the item is done exactly when its event is
                // stored, and the id makes a repeat of this dispatch a duplicate.
                tx.Raise(new IncomingEvent(f.Event, JsonNode.Parse(item.Data) as JsonObject ?? [], eventId, null, null, null));
                telemetry.Item(tx, "queue.item.dispatched", done, TelemetryLevel.Debug, true, eventId: eventId, extra: new JsonObject { ["handler"] = "event", ["event"] = f.Event });
            }
            return items.Count;
        }, ct);
        return dispatched == Batch;
    }

    private async Task<bool> DispatchPipelinesAsync(string family, QueueFamilyOptions f, CancellationToken ct)
    {
        // One item per transaction: a launch that throws rolls back only its own item.
        for (var i = 0; i < Batch; i++)
        {
            WorkItem? claimed = null;
            try
            {
                var launched = await ingest.WriteAsync(tx =>
                {
                    claimed = Claim(tx, family, f, 1).FirstOrDefault();
                    if (claimed is not null) Launch(tx, Dispatch(tx, claimed), f);
                    return claimed is not null;
                }, ct);
                if (!launched) return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && claimed is { } item)
            {
                logger.LogWarning(ex, "launching pipeline {Pipeline} for queue item {Item} failed", f.Pipeline, item.Id);
                await store.WriteAsync(tx => tx.GetWorkItem(item.Id) is { State: WorkItemState.Queued } current && Fail(tx, Dispatch(tx, current), f, ex.Message) is not null, ct);
            }
        }
        return true;
    }

    private void Launch(IStoreTransaction tx, WorkItem item, QueueFamilyOptions f)
    {
        if (_launcher is null)
        {
            Fail(tx, item, f, "no pipeline launcher is registered in this server, so handler = \"pipeline\" cannot start runs", final: true);
            return;
        }
        var launch = _launcher.Launch(tx, new PipelineLaunchRequest(f.Pipeline, JsonNode.Parse(item.Data), "queue:" + item.Id, "queue:" + item.Family));
        if (launch.Outcome == PipelineLaunchOutcome.UnknownPipeline)
        {
            Fail(tx, item, f, $"pipeline '{f.Pipeline}' is not declared: {launch.Reason}", final: true);
            return;
        }
        var result = launch.Outcome == PipelineLaunchOutcome.Skipped ? $"skipped: {launch.Reason}" : launch.RunId ?? launch.Reason;
        var done = Finish(tx, item, result);
        telemetry.Item(tx, "queue.item.dispatched", done, TelemetryLevel.Debug, true, eventId: launch.EventId,
            extra: new JsonObject { ["handler"] = "pipeline", ["pipeline"] = f.Pipeline, ["outcome"] = launch.Outcome.ToString().ToLowerInvariant(), ["runId"] = launch.RunId });
    }

    private async Task<bool> DispatchHttpAsync(string family, QueueFamilyOptions f, CancellationToken ct)
    {
        var leaseMs = (long)(f.Timeout + LeaseMargin).TotalMilliseconds;
        var claimed = await store.WriteAsync(tx =>
        {
            var items = Claim(tx, family, f, int.MaxValue);
            var active = new List<WorkItem>(items.Count);
            foreach (var item in items)
            {
                var a = Dispatch(tx, item) with { State = WorkItemState.Active, LeaseUntil = tx.Now + leaseMs };
                tx.UpdateWorkItem(a);
                telemetry.Item(tx, "queue.item.dispatched", a, TelemetryLevel.Debug, extra: new JsonObject { ["handler"] = "http", ["url"] = f.Url });
                active.Add(a);
            }
            return active;
        }, ct);
        foreach (var item in claimed) Track(item.Id, SendAsync(item, f, ct));
        // The handlers finishing wake the dispatcher; until then the family is at its concurrency.
        return false;
    }

    private void Track(string id, Task task)
    {
        _inFlight[id] = task;
        _ = task.ContinueWith(_ => _inFlight.TryRemove(id, out Task? _), TaskScheduler.Default);
    }

    private async Task SendAsync(WorkItem item, QueueFamilyOptions f, CancellationToken ct)
    {
        string? result, error;
        try
        {
            (result, error) = await sender.SendAsync(item, f, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // Shutting down: the lease gives the item back.
        }
        await store.WriteAsync(tx =>
        {
            // Given back (lease ended) and dispatched again meanwhile: that attempt owns the item now.
            if (tx.GetWorkItem(item.Id) is not { State: WorkItemState.Active } current || current.Attempt != item.Attempt) return 0;
            if (error is null) Finish(tx, current, result);
            else Fail(tx, current, f, error);
            return 0;
        }, CancellationToken.None);
        signal.Wake();
    }

    /// <summary>The family's next items in dispatch order, at most <paramref name="max"/>; none while paused or at
    /// concurrency. Items whose lease ended are given back first.</summary>
    private List<WorkItem> Claim(IStoreTransaction tx, string family, QueueFamilyOptions f, int max)
    {
        if (pauses.Active(tx, family) is not null) return [];
        foreach (var lost in tx.ExpiredWorkLeases(family, tx.Now))
            Fail(tx, lost, f, "the dispatcher stopped before the handler answered (lease ended)");
        var slots = f.Concurrency - tx.CountActiveWork(family);
        if (slots <= 0) return [];
        // Event and pipeline items finish inside this transaction, one after another, so they never hold a slot.
        var take = f.Handler == QueueHandlerKind.Http ? Math.Min(max, slots) : max;
        // The first `take` of every priority hold the first `take` overall: within one priority, aging keeps FIFO order.
        var candidates = new List<WorkItem>();
        foreach (var priority in Enum.GetValues<QueuePriority>()) candidates.AddRange(tx.QueuedWork(family, priority, tx.Now, take));
        return WorkOrder.Sort(candidates, tx.Now, families.AgeAfter).Take(take).ToList();
    }

    private static WorkItem Dispatch(IStoreTransaction tx, WorkItem item) =>
        item with { Attempt = item.Attempt + 1, DispatchedAt = tx.Now, Error = null };

    private static WorkItem Finish(IStoreTransaction tx, WorkItem item, string? result)
    {
        var done = item with { State = WorkItemState.Done, FinishedAt = tx.Now, LeaseUntil = 0, Result = result };
        tx.UpdateWorkItem(done);
        return done;
    }

    /// <summary>Records a failed attempt: queued again after a backoff while retries remain, else failed.</summary>
    private WorkItem Fail(IStoreTransaction tx, WorkItem item, QueueFamilyOptions f, string error, bool final = false)
    {
        final |= item.Attempt > f.Retries;
        var delay = Math.Min(options.RetryMaxDelay.TotalMilliseconds, options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, item.Attempt - 1)));
        var next = final
            ? item with { State = WorkItemState.Failed, FinishedAt = tx.Now, LeaseUntil = 0, Error = error }
            : item with { State = WorkItemState.Queued, NotBefore = tx.Now + (long)delay, LeaseUntil = 0, Error = error };
        tx.UpdateWorkItem(next);
        telemetry.Item(tx, "queue.item.failed", next, final ? TelemetryLevel.Error : TelemetryLevel.Warn, false, error,
            extra: new JsonObject { ["final"] = final, ["retryAt"] = final ? null : next.NotBefore });
        return next;
    }
}
