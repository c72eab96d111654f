using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;

namespace Switchyard.Engine.Registry;

/// <summary>Syncs the configured apps at start and, in dev mode, re-syncs every known app periodically so that a
/// restarted app's new function set replaces its old one without anyone running <c>yard sync</c>.</summary>
public sealed class AppResync(AppSync sync, FunctionRegistry registry, ServerOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<AppResync> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AppSync.Result>> _firstAttempts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The outcome of the first attempt to sync <paramref name="url"/> (one of the configured apps), so a
    /// banner can say whether it worked instead of assuming it did. Later retries go on in the background.</summary>
    public Task<AppSync.Result> FirstAttemptAsync(string url) => FirstAttempt(url).Task;

    private TaskCompletionSource<AppSync.Result> FirstAttempt(string url) =>
        _firstAttempts.GetOrAdd(url, _ => new TaskCompletionSource<AppSync.Result>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // An app answers a sync by registering with this server; before the server listens (hosted services start
        // first) that call is refused, and the banner would report a failure that only timing caused.
        if (!await StartedAsync(stoppingToken)) return;
        foreach (var url in options.AppList)
        {
            var result = await SyncWithRetryAsync(url, stoppingToken);
            if (result.Ok) logger.LogInformation("synced app at {Url}", url);
        }
        if (!options.Dev || options.ResyncInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.ResyncInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var urls = registry.Current.Apps.Select(a => a.Url).Concat(options.AppList).Distinct(StringComparer.OrdinalIgnoreCase);
                foreach (var url in urls) await sync.SyncAsync(url, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> StartedAsync(CancellationToken ct)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested) return true;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (ct.Register(() => started.TrySetCanceled(ct)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return false; }
        }
        return true;
    }

    private async Task<AppSync.Result> SyncWithRetryAsync(string url, CancellationToken ct)
    {
        // Apps started together with the server may need a moment before they listen.
        AppSync.Result result = new(false, 0, "", false);
        for (var attempt = 0; attempt < 10 && !ct.IsCancellationRequested; attempt++)
        {
            result = await sync.SyncAsync(url, ct);
            if (attempt == 0) FirstAttempt(url).TrySetResult(result);
            if (result.Ok) return result;
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(1 << attempt, 10)), time, ct);
        }
        logger.LogWarning("could not sync {Url}: {Message}", url, result.Message);
        return result;
    }
}
