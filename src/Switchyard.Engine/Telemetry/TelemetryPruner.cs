using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Telemetry;

/// <summary>Deletes telemetry older than <see cref="ServerOptions.TelemetryRetention"/> (counted from receipt), at
/// start and then every tenth of the retention (at least every second, at most every hour).</summary>
public sealed class TelemetryPruner(IStore store, ServerOptions options, TimeProvider time, ILogger<TelemetryPruner> logger) : BackgroundService
{
    // Deleting in slices keeps each write transaction short: the store has one writer, and run progress waits behind it.
    private const int Slice = 2000;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.TelemetryRetention <= TimeSpan.Zero) return;
        var interval = TimeSpan.FromTicks(Math.Clamp(options.TelemetryRetention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await PruneAsync(stoppingToken);
                if (pruned > 0) logger.LogDebug("pruned {Count} telemetry events older than {Retention}", pruned, options.TelemetryRetention);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "telemetry retention failed");
            }
            try { await Task.Delay(interval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Deletes every event received before now minus the retention; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var cutoff = (time.GetUtcNow() - options.TelemetryRetention).ToUnixTimeMilliseconds();
            var n = await store.WriteTelemetryAsync(tx => tx.PruneTelemetry(cutoff, Slice), cancellationToken);
            total += n;
            if (n < Slice) return total;
        }
    }
}
