using Switchyard.Engine.Model;

namespace Switchyard.Engine.Storage;

/// <summary>The internal events raised in one transaction (<see cref="IStoreTransaction.Raise"/>) until the engine
/// takes them to ingest; every store's transaction keeps one.</summary>
public sealed class RaisedEvents
{
    private readonly List<IncomingEvent> _events = [];

    /// <summary>Adds a raised event.</summary>
    public void Add(IncomingEvent internalEvent) => _events.Add(internalEvent);

    /// <summary>Takes the events raised since the last call (empty when none).</summary>
    public IReadOnlyList<IncomingEvent> Take()
    {
        if (_events.Count == 0) return [];
        var taken = _events.ToArray();
        _events.Clear();
        return taken;
    }
}
