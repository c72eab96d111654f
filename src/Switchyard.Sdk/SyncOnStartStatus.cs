namespace Switchyard.Sdk;

/// <summary>How <see cref="SwitchyardOptions.SyncOnStart"/> is going; a singleton in dependency injection, for health
/// endpoints and tests.</summary>
public sealed class SyncOnStartStatus
{
    private readonly TaskCompletionSource<SyncAttempt> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile SyncAttempt? _last;

    internal SyncOnStartStatus()
    {
    }

    /// <summary>The latest attempt; null before the first ends (or when <c>SyncOnStart</c> is off).</summary>
    public SyncAttempt? Last => _last;

    /// <summary>Completes with the attempt the server answered: registered (<see cref="SyncAttempt.Ok"/>), or refused
    /// for a reason retrying would not fix (a rejected key, an invalid function). Never completes while the server
    /// cannot be reached, nor when <c>SyncOnStart</c> is off.</summary>
    public Task<SyncAttempt> Answered => _answered.Task;

    internal void Record(SyncAttempt attempt) => _last = attempt;

    internal void Answer(SyncAttempt attempt)
    {
        _last = attempt;
        _answered.TrySetResult(attempt);
    }
}
