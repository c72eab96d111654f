namespace Switchyard.Worker.Hosting;

/// <summary>The outcome of the worker's last sync request, shown by its <c>/health</c>.</summary>
internal sealed class SyncState
{
    private volatile Outcome? _last;

    /// <summary>One sync attempt.</summary>
    public sealed record Outcome(DateTimeOffset At, bool Ok, string Message);

    public Outcome? Last => _last;

    public void Record(bool ok, string message) => _last = new Outcome(DateTimeOffset.UtcNow, ok, message);
}
