namespace Switchyard.Engine.Insight;

/// <summary>Suggests registered event names close to one that matched nothing (a typo is the usual cause).</summary>
public static class NearestNames
{
    /// <summary>Up to <paramref name="count"/> candidates by edit distance, closest first, within a sensible bound.</summary>
    public static IReadOnlyList<string> Find(string name, IEnumerable<string> candidates, int count = 3)
    {
        var bound = Math.Max(3, name.Length / 2);
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (c, d: Distance(name, c)))
            .Where(x => x.d <= bound)
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(count).Select(x => x.c).ToList();
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
