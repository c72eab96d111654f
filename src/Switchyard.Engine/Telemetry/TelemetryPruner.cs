using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Telemetry;

/// <summary>Deletes telemetry older than <see cref="ServerOptions.TelemetryRetention"/> (counted from receipt), in
/// slices. <c>RetentionService</c> runs it with the rest of retention, on one schedule.</summary>
public sealed class TelemetryPruner(IStore store, ServerOptions options, TimeProvider time, ILogger<TelemetryPruner> logger)
{
    /// <summary>Deletes every event received before now minus the retention; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        if (options.TelemetryRetention <= TimeSpan.Zero) return 0;
        // Deleting in slices (retention.slice rows, like every other kind) keeps each write transaction short.
        var slice = options.Retention.Slice;
        var total = 0;
        while (true)
        {
            var cutoff = (time.GetUtcNow() - options.TelemetryRetention).ToUnixTimeMilliseconds();
            var n = await store.WriteTelemetryAsync(tx => tx.PruneTelemetry(cutoff, slice), cancellationToken);
            total += n;
            if (n >= slice) continue;
            if (total > 0) logger.LogDebug("pruned {Count} telemetry events older than {Retention}", total, options.TelemetryRetention);
            return total;
        }
    }
}
