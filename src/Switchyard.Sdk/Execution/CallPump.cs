namespace Switchyard.Sdk.Execution;

/// <summary>A single-threaded synchronization context for one call: every continuation of the function's code is
/// queued here and run by <see cref="Drain"/>, one at a time. An empty queue while the function has not finished
/// means it is parked on something: either un-memoized steps (which never complete within a call) or real I/O
/// (whose completion posts new work).</summary>
internal sealed class CallPump : SynchronizationContext
{
    private readonly Lock _gate = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();
    private TaskCompletionSource _workArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            // Once the call has answered, late continuations (I/O finishing after the response) are dropped:
            // that code is re-run from memoized state on the next call anyway.
            if (_closed) return;
            _work.Enqueue((d, state));
            _workArrived.TrySetResult();
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous dispatch is not supported inside a Switchyard function.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Calls <paramref name="start"/> with this context current, so that its awaits come back here.</summary>
    public Task<T> Run<T>(Func<Task<T>> start)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return start();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Runs queued continuations until none is left. An exception escaping a continuation (an
    /// <c>async void</c> method) propagates.</summary>
    public void Drain()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (TryTake(out var item)) item.Callback(item.State);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Completes when work is queued (at once if some already is).</summary>
    public Task WhenWorkArrives()
    {
        lock (_gate)
        {
            if (_work.Count > 0) return Task.CompletedTask;
            if (_workArrived.Task.IsCompleted) _workArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _workArrived.Task;
        }
    }

    /// <summary>Stops accepting work.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _work.Clear();
        }
    }

    private bool TryTake(out (SendOrPostCallback Callback, object? State) item)
    {
        lock (_gate) return _work.TryDequeue(out item);
    }
}
