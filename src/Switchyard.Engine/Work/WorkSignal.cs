namespace Switchyard.Engine.Work;

/// <summary>Wakes the dispatcher when there may be work: an emit committed, a family resumed, an http handler
/// finished. Without a wake-up the dispatcher still looks every <see cref="QueueDispatcher.PollInterval"/> (work
/// emitted on another replica, a retry's backoff, a pause's end).</summary>
public sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Wakes the dispatcher (several wakes before it looks count as one).</summary>
    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another wake got there first; one is enough.
        }
    }

    /// <summary>Waits for a wake, or <paramref name="timeout"/> on <paramref name="time"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wake = _signal.WaitAsync(done.Token);
        var delay = Task.Delay(timeout, time, done.Token);
        await Task.WhenAny(wake, delay);
        await done.CancelAsync();
        try { await Task.WhenAll(wake, delay); }
        catch (OperationCanceledException) { /* the one that lost was cancelled */ }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();
}
