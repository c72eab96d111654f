using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;

namespace Switchyard.Engine.Retention;

/// <summary>Deletes what is past its retention: finished runs with their rows (<c>[retention]</c>), events no kept
/// run refers to, done work-queue items (<c>[queue] retention</c>) and telemetry (<c>telemetry_retention</c>). Every
/// kind goes in slices of at most <c>retention.slice</c> rows, one short transaction each, so the writer is never held
/// for long and other work interleaves between slices.</summary>
public sealed class RetentionSweeper(IStore store, ServerOptions options, TelemetryPruner telemetry, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    /// <summary>The cutoffs as of now.</summary>
    public RetentionCutoffs Cutoffs()
    {
        var now = time.GetUtcNow();
        long Before(TimeSpan keep) => keep <= TimeSpan.Zero ? RetentionCutoffs.Never : (now - keep).ToUnixTimeMilliseconds();
        var r = options.Retention;
        return new RetentionCutoffs(Before(r.Completed), Before(r.Failed), Before(r.Cancelled), Before(r.Events),
            Before(options.Queue.Retention), Before(options.TelemetryRetention));
    }

    /// <summary>How many rows a sweep now would delete, per kind (the event count is an upper bound: events a batch
    /// run holds are counted but kept).</summary>
    public Task<RetentionCounts> CountAsync(CancellationToken cancellationToken) => store.Reader.CountExpiredAsync(Cutoffs(), cancellationToken);

    /// <summary>Deletes everything past its retention, slice by slice; returns what went.</summary>
    public async Task<RetentionCounts> SweepAsync(CancellationToken cancellationToken)
    {
        var c = Cutoffs();
        var slice = options.Retention.Slice;
        var total = RetentionCounts.None;
        // Runs first: an event becomes deletable only once the runs it triggered are gone.
        if (c.Completed != RetentionCutoffs.Never || c.Failed != RetentionCutoffs.Never || c.Cancelled != RetentionCutoffs.Never)
            total = total.Plus(await SlicesAsync(tx => tx.PruneRuns(c, slice), slice, cancellationToken));
        if (c.Events != RetentionCutoffs.Never)
            total = total.Plus(await SlicesAsync(tx => tx.PruneEvents(c.Events, slice), slice, cancellationToken));
        if (c.WorkItems != RetentionCutoffs.Never)
            total = total.Plus(await SlicesAsync(tx => new RetentionCounts(WorkItems: tx.PruneWorkItems(c.WorkItems, slice)), slice, cancellationToken));
        total = total with { Telemetry = await telemetry.PruneAsync(cancellationToken) };
        if (total.Total > 0) logger.LogInformation("retention deleted {Runs} runs ({Steps} steps, {History} history entries, {Decisions} decisions), {Events} events, {WorkItems} work items, {Telemetry} telemetry events",
            total.Runs, total.Steps, total.History, total.Decisions, total.Events, total.WorkItems, total.Telemetry);
        return total;
    }

    private async Task<RetentionCounts> SlicesAsync(Func<IStoreTransaction, RetentionCounts> work, int slice, CancellationToken cancellationToken)
    {
        var total = RetentionCounts.None;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var deleted = await store.WriteAsync(work, cancellationToken);
            total = total.Plus(deleted);
            // A slice that did not use its whole budget found nothing more to delete (or only rows it must keep).
            if (deleted.Total < slice) return total;
        }
    }
}
