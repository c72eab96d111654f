namespace Switchyard.Client;

/// <summary>Filters of the telemetry queries (<c>/v1/otel/search</c> and <c>/v1/otel/list</c>).</summary>
/// <param name="Level">Levels, comma-separated (<c>warn,error</c>).</param>
/// <param name="Source">Only this source.</param>
/// <param name="Component">Only this component.</param>
/// <param name="Hours">Only the last N hours.</param>
/// <param name="Count">How many (default 50).</param>
public sealed record TelemetryFilter(string? Level = null, string? Source = null, string? Component = null, double? Hours = null, int? Count = null);
