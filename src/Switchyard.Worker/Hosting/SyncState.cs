using Switchyard.Client.Hosting;
using Switchyard.Sdk;

namespace Switchyard.Worker.Hosting;

/// <summary>The outcome of the worker's last sync, shown by its <c>/health</c>: the newer of the SDK's start-up
/// registration (<see cref="SwitchyardOptions.SyncOnStart"/>) and an explicit sync request.</summary>
internal sealed class SyncState(SyncOnStartStatus startup)
{
    private volatile SyncOutcome? _last;

    public SyncOutcome? Last
    {
        get
        {
            var requested = _last;
            if (startup.Last is not { } s || (requested is not null && requested.At >= s.At)) return requested;
            return new SyncOutcome(s.At, s.Ok, s.Message);
        }
    }

    public void Record(SyncOutcome outcome) => _last = outcome;
}
