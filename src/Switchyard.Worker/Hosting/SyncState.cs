using Switchyard.Client.Hosting;

namespace Switchyard.Worker.Hosting;

/// <summary>The outcome of the worker's last sync request, shown by its <c>/health</c>.</summary>
internal sealed class SyncState
{
    private volatile SyncOutcome? _last;

    public SyncOutcome? Last => _last;

    public void Record(SyncOutcome outcome) => _last = outcome;
}
