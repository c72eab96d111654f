using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Lifecycle;

/// <summary>Observes every event stored by <see cref="Events.EventIngest"/> (after its trigger decisions), inside the
/// transaction that stores it; work that must wait for the commit uses <see cref="IStoreTransaction.OnCommitted"/>.
/// The event-side counterpart of <see cref="IRunListener"/>.</summary>
public interface IEventListener
{
    /// <summary>Called once per stored event (duplicates that were dropped are not stored and not reported).</summary>
    void OnStored(IStoreTransaction tx, StoredEvent stored);
}
