namespace Switchyard.Sdk;

/// <summary>What <see cref="StepTools.WaitForEvent(string, WaitForEventOptions)"/> waits for.</summary>
/// <param name="Event">Name of the awaited event.</param>
/// <param name="Timeout">How long to wait before the step resolves to <c>null</c>.</param>
public sealed record WaitForEventOptions(string Event, TimeSpan Timeout)
{
    /// <summary>A field path (e.g. <c>data.userId</c>) that must be equal in the triggering and the awaited event.
    /// Shorthand for <see cref="If"/> = <c>event.&lt;path&gt; == async.&lt;path&gt;</c>; set one or the other.</summary>
    public string? Match { get; init; }

    /// <summary>A CEL expression over <c>event</c> (the run's triggering event) and <c>async</c> (the candidate).</summary>
    public string? If { get; init; }
}
