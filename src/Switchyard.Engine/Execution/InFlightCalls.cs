using System.Collections.Concurrent;

namespace Switchyard.Engine.Execution;

/// <summary>The app calls this process has in flight, by run, so that ending a run can abort its call: the HTTP
/// request to the app is cancelled, which the SDK turns into the step body's <see cref="CancellationToken"/>. Without
/// this a long step of a cancelled run would run to its end (or the call timeout) for an answer nobody applies.</summary>
/// <remarks>Per process: a call made by another replica is not aborted (its answer is still ignored, as before).</remarks>
public sealed class InFlightCalls
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CancellationTokenSource, byte>> _calls = new();

    /// <summary>A token for one call of <paramref name="runId"/>, linked to <paramref name="cancellationToken"/> and
    /// cancelled by <see cref="Abort"/>; dispose it when the call ends.</summary>
    public Registration Track(string runId, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _calls.GetOrAdd(runId, _ => new()).TryAdd(source, 0);
        return new Registration(this, runId, source);
    }

    /// <summary>Cancels every call of <paramref name="runId"/> in flight here.</summary>
    public void Abort(string runId)
    {
        if (!_calls.TryGetValue(runId, out var sources)) return;
        foreach (var source in sources.Keys)
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call ended meanwhile.
            }
        }
    }

    private void Remove(string runId, CancellationTokenSource source)
    {
        if (!_calls.TryGetValue(runId, out var sources)) return;
        sources.TryRemove(source, out _);
        if (sources.IsEmpty) _calls.TryRemove(KeyValuePair.Create(runId, sources));
    }

    /// <summary>One tracked call.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly InFlightCalls _owner;
        private readonly string _runId;
        private readonly CancellationTokenSource _source;

        internal Registration(InFlightCalls owner, string runId, CancellationTokenSource source)
        {
            _owner = owner;
            _runId = runId;
            _source = source;
        }

        /// <summary>Cancelled when the call must stop: the caller's token, or the run ended.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>Whether <see cref="InFlightCalls.Abort"/> stopped the call (the caller's token did not).</summary>
        public bool Aborted(CancellationToken callerToken) => _source.IsCancellationRequested && !callerToken.IsCancellationRequested;

        /// <inheritdoc />
        public void Dispose()
        {
            _owner.Remove(_runId, _source);
            _source.Dispose();
        }
    }
}
