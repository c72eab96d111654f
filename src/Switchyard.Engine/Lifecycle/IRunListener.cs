using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Lifecycle;

/// <summary>Observes every transition of a run (each is one <see cref="HistoryEntry"/>: scheduled, step completed,
/// retry scheduled, ended, …) inside the transaction that makes it. History rows, the telemetry mirror, spans, metrics,
/// completion signals and flow-control releases are listeners, registered once, instead of being written by hand at
/// each transition. Listeners run in registration order; work that must wait for the commit uses
/// <see cref="IStoreTransaction.OnCommitted"/>.</summary>
public interface IRunListener
{
    /// <summary>Called for <paramref name="entry"/>, a transition of <paramref name="run"/> (the run as it is after the
    /// transition when the transition changed it, e.g. ended runs carry their final status).</summary>
    void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry);
}
