using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Lifecycle;

/// <summary>Appends each transition to the run's history: the source of truth for <c>yard run</c>, <c>why</c>,
/// <c>trace</c> and the dashboard.</summary>
public sealed class HistoryWriter : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry) => tx.AppendHistory(entry);
}
