namespace Switchyard.Engine.Model;

/// <summary>A run paused on something outside it: an event (<c>waitForEvent</c>) or an invoked run.</summary>
/// <param name="Id">Wait id (<c>runId:stepHash</c>).</param>
/// <param name="RunId">Waiting run.</param>
/// <param name="StepHash">Step that resolves when the wait ends.</param>
/// <param name="Kind"><c>event</c> or <c>invoke</c>.</param>
/// <param name="EventName">Awaited event name (event waits).</param>
/// <param name="Expression">CEL condition with <c>event</c> (the run's trigger) and <c>async</c> (the candidate).</param>
/// <param name="Correlation">Child run id (invoke waits).</param>
/// <param name="ExpiresAt">Timeout, Unix ms.</param>
/// <param name="CreatedAt">Unix ms.</param>
public sealed record WaitRecord(string Id, string RunId, string StepHash, WaitKind Kind, string? EventName, string? Expression, string? Correlation, long ExpiresAt, long CreatedAt);
