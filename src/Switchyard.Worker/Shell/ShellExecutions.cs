namespace Switchyard.Worker.Shell;

/// <summary>The shell executions running in this worker, one per (DAG run, node). A new execution of the same node
/// stops the older one first: after a server crash the engine re-delivers the call, and the process the lost call
/// started must not keep running beside its successor.</summary>
internal sealed class ShellExecutions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string DagRunId, string Node), Execution> _running = [];

    /// <summary>Registers an execution of (<paramref name="dagRunId"/>, <paramref name="node"/>) after stopping the
    /// running one, if any, and waiting for it to be gone. Dispose the lease when done; its token fires when a newer
    /// execution takes over.</summary>
    public async Task<Lease> EnterAsync(string dagRunId, string node, CancellationToken cancellationToken)
    {
        var key = (dagRunId, node);
        var mine = new Execution();
        Execution? older;
        lock (_gate)
        {
            _running.TryGetValue(key, out older);
            _running[key] = mine;
        }
        if (older is not null)
        {
            await older.Superseded.CancelAsync();
            // The older runner kills its group on cancellation, then completes.
            await older.Done.Task.WaitAsync(cancellationToken);
        }
        return new Lease(this, key, mine);
    }

    /// <summary>How many executions are registered.</summary>
    public int Count
    {
        get { lock (_gate) return _running.Count; }
    }

    private void Leave((string, string) key, Execution execution)
    {
        lock (_gate)
            if (_running.TryGetValue(key, out var current) && current == execution) _running.Remove(key);
        // Superseded is not disposed: a newer execution may still be cancelling it.
        execution.Done.TrySetResult();
    }

    internal sealed class Execution
    {
        public CancellationTokenSource Superseded { get; } = new();
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One registered execution.</summary>
    internal sealed class Lease(ShellExecutions owner, (string, string) key, Execution execution) : IDisposable
    {
        /// <summary>Fires when a newer execution of the same node takes over.</summary>
        public CancellationToken Superseded { get; } = execution.Superseded.Token;

        /// <inheritdoc />
        public void Dispose() => owner.Leave(key, execution);
    }
}
