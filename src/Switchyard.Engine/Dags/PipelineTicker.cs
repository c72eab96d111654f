using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Events;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Dags;

/// <summary>Fires pipeline schedules, the way <c>CronTicker</c> fires function crons: the last fired tick of each
/// pipeline is kept in the store and moved in the transaction that launches the run, and the tick's request id
/// (<c>schedule:&lt;tick ms&gt;</c>) makes the request event unique, so each tick fires exactly once across restarts and
/// replicas. After downtime the newest missed tick fires once; older ones are skipped.</summary>
public sealed class PipelineTicker(IStore store, EventIngest ingest, PipelineCatalog catalog, IPipelineLauncher launcher, DagRuns runs, TimeProvider time,
    ILogger<PipelineTicker> logger) : BackgroundService
{
    /// <summary>kv namespace of last fired ticks.</summary>
    public const string Namespace = "pipeline-cron";

    private bool _warned;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.All.All(p => p.Schedule is null)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "pipeline schedule tick failed");
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Fires every schedule whose tick has come since its last fire.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        // Until a worker serves DAG runs (at start, before the registry is loaded or the worker has synced), ticks
        // wait: the newest one then fires, instead of each being recorded as not startable.
        if (runs.Orchestrator is null)
        {
            if (!_warned) logger.LogWarning("pipelines have schedules, but {Hint}; their ticks wait", DagRuntime.MissingHint);
            _warned = true;
            return;
        }
        _warned = false;
        var now = time.GetUtcNow();
        var lastFires = (await store.Reader.KvListAsync(Namespace, ct)).ToDictionary(e => e.Key, e => long.Parse(e.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        foreach (var pipeline in catalog.All)
        {
            if (pipeline.Schedule is not { } schedule) continue;
            var key = $"{pipeline.Name}:{schedule.Text}";
            if (!lastFires.TryGetValue(key, out var last))
            {
                // First sight of this schedule: count from now, without firing the past.
                await store.WriteAsync(tx => { if (tx.KvGet(Namespace, key) is null) tx.KvPut(Namespace, key, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), null); return 0; }, ct);
                continue;
            }
            if (schedule.LastBetween(DateTimeOffset.FromUnixTimeMilliseconds(last), now) is not { } tick) continue;
            var tickMs = tick.ToUnixTimeMilliseconds();
            var result = await ingest.WriteAsync(tx =>
            {
                if (tx.KvGet(Namespace, key) is { } stored && long.Parse(stored, CultureInfo.InvariantCulture) >= tickMs) return null;
                tx.KvPut(Namespace, key, tickMs.ToString(CultureInfo.InvariantCulture), null);
                return launcher.Launch(tx, new PipelineLaunchRequest(pipeline.Name, null, "schedule:" + tickMs.ToString(CultureInfo.InvariantCulture),
                    $"schedule '{schedule.Text}' tick {tick:u}"));
            }, ct);
            if (result is { Outcome: PipelineLaunchOutcome.Skipped })
                logger.LogInformation("pipeline {Pipeline}: tick {Tick:u} skipped: {Reason}", pipeline.Name, tick, result.Reason);
        }
    }
}
