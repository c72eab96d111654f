namespace Switchyard.Engine.Model;

/// <summary>One value of a field (a source, component or action) with its event and failure counts.</summary>
/// <param name="Value">The field value.</param>
/// <param name="Count">Events with it.</param>
/// <param name="Failures">Of those, failures (level <c>error</c> or <c>success: false</c>).</param>
public sealed record TelemetryFacet(string Value, long Count, long Failures)
{
    /// <summary>Failures per event, 0 to 1.</summary>
    public double ErrorRate => Count == 0 ? 0 : Math.Round((double)Failures / Count, 4);
}
