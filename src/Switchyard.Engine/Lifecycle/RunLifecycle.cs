using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Lifecycle;

/// <summary>The one call engine code makes when a run moves: it hands the transition to every registered
/// <see cref="IRunListener"/> (the history writer first, so the run's history is the order of its transitions).</summary>
public sealed class RunLifecycle(IEnumerable<IRunListener> listeners)
{
    private readonly IRunListener[] _listeners = [.. listeners];

    /// <summary>Records the transition <paramref name="entry"/> of <paramref name="run"/>.</summary>
    public void Record(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        foreach (var listener in _listeners) listener.OnTransition(tx, run, entry);
    }
}
