using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.FlowControl;

/// <summary>Releases what an ended run held: its singleton key, so the next event for that key may start a run.</summary>
public sealed class SingletonRelease : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (!HistoryKinds.IsRunEnd(entry.Kind)) return;
        var flow = RunFlow.FromJson(run.Flow);
        if (flow.Singleton is { } key && tx.KvGet(RunAdmission.SingletonNs, key) == run.Id) tx.KvDelete(RunAdmission.SingletonNs, key);
    }
}
