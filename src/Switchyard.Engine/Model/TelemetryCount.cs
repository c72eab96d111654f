namespace Switchyard.Engine.Model;

/// <summary>How many telemetry events share one (level, source, component, action), and how many of them failed
/// (level <c>error</c> or <c>success: false</c>). Statistics are aggregated from these groups.</summary>
/// <param name="Level">Level.</param>
/// <param name="Source">Source.</param>
/// <param name="Component">Component.</param>
/// <param name="Action">Action.</param>
/// <param name="Count">Events in the group.</param>
/// <param name="Failures">Failed events in the group.</param>
public sealed record TelemetryCount(string Level, string Source, string Component, string Action, long Count, long Failures);
