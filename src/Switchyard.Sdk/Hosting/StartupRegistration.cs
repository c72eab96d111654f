using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchyard.Sdk.Hosting;

/// <summary><see cref="SwitchyardOptions.SyncOnStart"/>: once the host listens, registers the app with the server,
/// retrying 1 s doubling to 30 s while the server cannot be reached or answers with a server error (under a
/// supervisor the server may start after the app). A client error (a rejected key, a bad function) is logged and not
/// retried: the same request would fail the same way. Later re-syncs are the server's business.</summary>
internal sealed class StartupRegistration(
    AppSync sync,
    IOptions<SwitchyardOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    SyncOnStartStatus status,
    ILogger<StartupRegistration> logger) : BackgroundService
{
    /// <summary>Wait after the first failure.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource<SyncAnswer> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The server's answer to the last attempt, once it answered.</summary>
    public Task<SyncAnswer> Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SyncOnStart) return;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (ServeUrl.Own(options.Value, listening) is not { } serveUrl)
        {
            logger.LogError("SyncOnStart: the app's URL is unknown; set SwitchyardOptions.ServeOrigin (SWITCHYARD_SERVE_ORIGIN)");
            return;
        }
        try
        {
            _done.TrySetResult(await RegisterUntilAnsweredAsync(serveUrl, stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _done.TrySetCanceled(stoppingToken);
        }
    }

    private async Task<SyncAnswer> RegisterUntilAnsweredAsync(string serveUrl, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        while (true)
        {
            string failure;
            try
            {
                var answer = await sync.RegisterAsync(serveUrl, null, "", cancellationToken).ConfigureAwait(false);
                var attempt = new SyncAttempt(time.GetUtcNow(), answer.Ok, answer.Message);
                if (answer.Ok)
                {
                    status.Answer(attempt);
                    logger.LogInformation("Registered {Url} with the Switchyard server at {Server}", serveUrl, options.Value.ServerUrl);
                    return answer;
                }
                if (!answer.IsTransient)
                {
                    status.Answer(attempt);
                    logger.LogError("The Switchyard server at {Server} refused to register {Url} ({Status}): {Message}", options.Value.ServerUrl, serveUrl, answer.Status, answer.Message);
                    return answer;
                }
                failure = $"{answer.HttpStatus}: {answer.Message}";
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            status.Record(new SyncAttempt(time.GetUtcNow(), false, failure));
            logger.LogWarning("Could not register {Url} with the Switchyard server at {Server} yet ({Failure}); retrying in {Delay} s",
                serveUrl, options.Value.ServerUrl, failure, delay.TotalSeconds);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
