namespace Switchyard.Configuration;

/// <summary>"Did you mean" for unknown keys: the known key closest to a misspelling by edit distance.</summary>
public static class NearestKey
{
    /// <summary>The known key nearest to <paramref name="key"/>, or null when none is close enough to be a
    /// plausible typo. Comparison ignores case, <c>_</c> and <c>-</c>, so <c>DataDir</c> suggests <c>data_dir</c>.</summary>
    public static string? Find(string key, IEnumerable<string> known)
    {
        var wanted = ConfigKey.Normalize(key).ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(wanted, ConfigKey.Normalize(candidate).ToLowerInvariant());
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        // A third of the length: "dta_dir" → data_dir, but "colour" does not suggest "port".
        return best is not null && bestDistance <= Math.Max(1, wanted.Length / 3) ? best : null;
    }

    /// <summary>" (did you mean X?)" or empty.</summary>
    public static string Hint(string key, IEnumerable<string> known) => Find(key, known) is { } k ? $" (did you mean {k}?)" : "";

    private static int Distance(string a, string b)
    {
        // Optimal string alignment: Levenshtein plus adjacent transpositions ("secert").
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
