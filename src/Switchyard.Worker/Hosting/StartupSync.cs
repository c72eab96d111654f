using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.Worker.Hosting;

/// <summary>Once the worker listens, asks the server to sync it, retrying (1 s doubling to 30 s) until the server
/// answers: under a supervisor the bus may start after the worker. Later re-syncs are the server's business
/// (<c>yard dev</c> re-syncs known apps periodically; a supervisor's <c>sync_url</c> does it after each spawn).</summary>
internal sealed class StartupSync(WorkerEndpoint endpoint, IHostApplicationLifetime lifetime, ILogger<StartupSync> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The serve URL (with the real port) is known only once Kestrel listens.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
            await started.Task;
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await endpoint.SyncAsync(stoppingToken);
                logger.LogInformation("synced {Url} with the server", endpoint.ServeUrl);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong (server down, a transient answer, a malformed reply), keep trying: a worker that
                // gave up syncing would serve nothing.
                logger.LogWarning("could not sync with the server yet ({Message}); retrying in {Delay} s", e.Message, delay.TotalSeconds);
            }
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
