using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Client.Models;

namespace Switchyard.Client.Hosting;

/// <summary>Once the host listens, asks the server to sync the app it serves (<c>POST /v1/apps/sync</c>: the server
/// PUTs the app's URL and the app registers), retrying 1 s doubling to 30 s whatever the failure until it succeeds or
/// the host stops: under a supervisor the bus may start after the app, and an app that gave up syncing would serve
/// nothing. Later re-syncs are the server's business. Used by the built-in worker and the gateway.</summary>
public sealed class StartupSync : BackgroundService
{
    /// <summary>Wait after the first failure.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly SwitchyardClient _client;
    private readonly Func<Uri> _appUrl;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly Action<SyncOutcome>? _observe;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<SyncResult> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the service.</summary>
    /// <param name="client">The server's client (with the API token).</param>
    /// <param name="appUrl">The app's serve URL; read once the host listens, so a port chosen at bind time is known.</param>
    /// <param name="lifetime">The host, whose start the sync waits for.</param>
    /// <param name="logger">Where attempts are reported.</param>
    /// <param name="observe">Told every attempt's outcome (e.g. for a <c>/health</c> answer).</param>
    /// <param name="time">Clock of the waits between attempts (tests).</param>
    public StartupSync(SwitchyardClient client, Func<Uri> appUrl, IHostApplicationLifetime lifetime, ILogger<StartupSync> logger,
        Action<SyncOutcome>? observe = null, TimeProvider? time = null)
    {
        _client = client;
        _appUrl = appUrl;
        _lifetime = lifetime;
        _logger = logger;
        _observe = observe;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Completes with the server's answer after the first successful sync.</summary>
    public Task<SyncResult> Synced => _synced.Task;

    /// <summary>The URL being synced, once the host listens.</summary>
    public Uri? AppUrl { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        AppUrl = _appUrl();
        try
        {
            _synced.TrySetResult(await SyncUntilDoneAsync(_client, AppUrl, _logger, _observe, _time, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _synced.TrySetCanceled(stoppingToken);
        }
    }

    /// <summary>Asks the server to sync <paramref name="appUrl"/> until it succeeds; only cancellation ends it early.</summary>
    public static async Task<SyncResult> SyncUntilDoneAsync(SwitchyardClient client, Uri appUrl, ILogger logger, Action<SyncOutcome>? observe,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                var answer = await client.SyncAppAsync(appUrl.ToString(), cancellationToken);
                observe?.Invoke(new SyncOutcome(time.GetUtcNow(), true, answer.Message));
                logger.LogInformation("synced {Url} with {Server}", appUrl, client.ServerUrl);
                return answer;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Server down, a transient error answer, a malformed reply: all are worth another try.
                observe?.Invoke(new SyncOutcome(time.GetUtcNow(), false, e.Message));
                logger.LogWarning("could not sync {Url} with {Server} yet ({Message}); retrying in {Delay} s", appUrl, client.ServerUrl, e.Message, delay.TotalSeconds);
            }
            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}

/// <summary>One sync attempt's outcome.</summary>
/// <param name="At">When it ended.</param>
/// <param name="Ok">The app registered.</param>
/// <param name="Message">The server's message, or what went wrong.</param>
public sealed record SyncOutcome(DateTimeOffset At, bool Ok, string Message);
