using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;

namespace Switchyard.Engine.Retention;

/// <summary>Runs <see cref="RetentionSweeper"/> at start and then every tenth of the shortest retention in effect (at
/// least every second, at most every hour): the same schedule telemetry retention has always had.</summary>
public sealed class RetentionService(RetentionSweeper sweeper, ServerOptions options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>The pause between sweeps; null when every retention is off.</summary>
    public static TimeSpan? Interval(ServerOptions options)
    {
        var r = options.Retention;
        var shortest = new[] { r.Completed, r.Failed, r.Cancelled, r.Events, options.Queue.Retention, options.TelemetryRetention }
            .Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min();
        return shortest <= TimeSpan.Zero ? null : TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval(options) is not { } interval) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await sweeper.SweepAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogError(ex, "retention failed");
            }
            try { await Task.Delay(interval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
