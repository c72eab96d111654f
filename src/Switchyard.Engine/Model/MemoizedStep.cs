namespace Switchyard.Engine.Model;

/// <summary>A step's stored value, as sent back to the app in <c>steps</c>.</summary>
/// <param name="Hash">Hashed step id.</param>
/// <param name="Name">The user's step id, when known.</param>
/// <param name="Value">Memoized JSON (<c>{"data":…}</c>, <c>{"error":…}</c>, <c>null</c> or an event).</param>
/// <param name="Seq">Completion order.</param>
public sealed record MemoizedStep(string Hash, string? Name, string Value, long Seq);
