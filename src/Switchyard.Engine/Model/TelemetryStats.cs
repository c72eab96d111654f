namespace Switchyard.Engine.Model;

/// <summary>Counts over a time window: totals, error rate, events per level, and the sources, components and actions
/// seen (facets, most frequent first).</summary>
/// <param name="Total">Events.</param>
/// <param name="Failures">Events with level <c>error</c> or <c>success: false</c>.</param>
/// <param name="ByLevel">Events per level (every level present, zero when none).</param>
/// <param name="Sources">Events per source.</param>
/// <param name="Components">Events per component.</param>
/// <param name="Actions">Events per action (the most frequent <see cref="MaxActions"/>).</param>
public sealed record TelemetryStats(
    long Total,
    long Failures,
    IReadOnlyDictionary<string, long> ByLevel,
    IReadOnlyList<TelemetryFacet> Sources,
    IReadOnlyList<TelemetryFacet> Components,
    IReadOnlyList<TelemetryFacet> Actions)
{
    /// <summary>Most actions listed.</summary>
    public const int MaxActions = 50;

    /// <summary>Failures per event, 0 to 1.</summary>
    public double ErrorRate => Total == 0 ? 0 : Math.Round((double)Failures / Total, 4);

    /// <summary>Aggregates grouped counts.</summary>
    public static TelemetryStats From(IReadOnlyList<TelemetryCount> groups)
    {
        static List<TelemetryFacet> Facet(IEnumerable<TelemetryCount> rows, Func<TelemetryCount, string> key) => rows
            .GroupBy(key, StringComparer.Ordinal)
            .Select(g => new TelemetryFacet(g.Key, g.Sum(r => r.Count), g.Sum(r => r.Failures)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal)
            .ToList();
        var byLevel = TelemetryLevel.All.ToDictionary(l => l, l => groups.Where(g => g.Level == l).Sum(g => g.Count), StringComparer.Ordinal);
        return new TelemetryStats(groups.Sum(g => g.Count), groups.Sum(g => g.Failures), byLevel,
            Facet(groups, g => g.Source), Facet(groups, g => g.Component), Facet(groups, g => g.Action).Take(MaxActions).ToList());
    }
}
