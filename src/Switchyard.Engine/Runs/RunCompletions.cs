using System.Collections.Concurrent;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Runs;

/// <summary>Lets a caller wait for a run to end without polling: as a listener, it signals once the transaction that
/// ended the run commits. A run may end on another replica, so waiting also re-reads the run now and then.</summary>
public sealed class RunCompletions(IStore store, TimeProvider time) : IRunListener
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (HistoryKinds.IsRunEnd(entry.Kind)) tx.OnCommitted(() => Ended(run.Id));
    }

    /// <summary>Signals waiters of <paramref name="runId"/> (call after commit).</summary>
    public void Ended(string runId)
    {
        if (_waiters.TryRemove(runId, out var tcs)) tcs.TrySetResult();
    }

    /// <summary>The run once it has ended, or its current state when <paramref name="timeout"/> passes first.</summary>
    public async Task<RunRecord?> WaitAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var tcs = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            while (true)
            {
                var run = await store.Reader.GetRunAsync(runId, cancellationToken);
                if (run is null || RunStatuses.IsTerminal(run.Status) || time.GetUtcNow() >= deadline) return run;
                var wait = deadline - time.GetUtcNow();
                await Task.WhenAny(tcs.Task, Task.Delay(wait < Recheck ? wait : Recheck, time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(runId, tcs));
        }
    }
}
