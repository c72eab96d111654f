namespace Switchyard.Engine.Insight;

/// <summary>One line of <c>yard status</c> reported by a component the host adds (e.g. the Redis relay).</summary>
/// <param name="Component">Component name, e.g. <c>redis</c>.</param>
/// <param name="Status"><c>ok</c>, <c>degraded</c> or <c>down</c>.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">How to fix a problem, or null.</param>
public sealed record ComponentStatus(string Component, string Status, string Detail, string? Fix);
