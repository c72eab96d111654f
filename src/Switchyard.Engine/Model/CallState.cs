namespace Switchyard.Engine.Model;

/// <summary>What a call to an app needs, read together: the run, its triggering event, its memoized steps in
/// completion order, and the waitForEvent lookback position taken before the call.</summary>
public sealed record CallState(RunRecord Run, StoredEvent? Trigger, IReadOnlyList<MemoizedStep> Steps, long LookbackPosition);
