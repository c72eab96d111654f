using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchyard.Engine.Queue;

/// <summary>The queue items a scheduler is running, for a graceful shutdown: once the scheduler stops claiming,
/// <see cref="DrainAsync"/> lets them finish (and commit their answers) within <c>shutdown_grace</c>, then cancels
/// <see cref="Aborted"/> so the calls still waiting on an app are cut off and handed on as new attempts.</summary>
public sealed class InFlightItems : IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Cancelled when the grace period is over: the token running items (and lease renewals) use.</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Items running now.</summary>
    public int Count => _running.Count;

    /// <summary>Tracks <paramref name="running"/> until it ends (it must not throw: schedulers catch per item).</summary>
    public void Track(Task running)
    {
        _running.TryAdd(running, 0);
        // Registered after the add, so a task that already ended is removed too.
        running.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits up to <paramref name="grace"/> for the running items, then cuts off the rest and waits for them to
    /// hand their items on. <paramref name="cancellationToken"/> is the host's shutdown deadline: when it fires first,
    /// the rest are cut off at once.</summary>
    public async Task DrainAsync(TimeSpan grace, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(_running.Keys);
        if (!all.IsCompleted)
        {
            logger.LogInformation("shutting down: waiting up to {Grace} for {Count} queue items in flight", grace, _running.Count);
            try
            {
                await all.WaitAsync(grace, time, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                logger.LogWarning("shutdown grace over: cutting off {Count} calls still in flight; they are retried as new attempts", _running.Count);
            }
        }
        await _abort.CancelAsync();
        // Cut-off items write their next attempt (milliseconds); the host's deadline still bounds the wait.
        try { await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
    }

    /// <inheritdoc />
    public void Dispose() => _abort.Dispose();
}
