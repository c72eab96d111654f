using System.Globalization;

namespace Switchyard.Supervisor.Configuration;

/// <summary>Durations in the supervisor file: a number of seconds (<c>30</c>, <c>0.5</c>), a number with a unit
/// (<c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>), or a .NET time span (<c>00:00:30</c>).</summary>
public static class ConfigDuration
{
    /// <summary>Parses a TOML value; null when it is not a duration.</summary>
    public static TimeSpan? Parse(object? value) => value switch
    {
        long l when l >= 0 => TimeSpan.FromSeconds(l),
        double d when d >= 0 && double.IsFinite(d) && d < TimeSpan.MaxValue.TotalSeconds => TimeSpan.FromSeconds(d),
        string s => ParseText(s.Trim()),
        _ => null,
    };

    private static TimeSpan? ParseText(string s)
    {
        if (s.Length == 0) return null;
        (string number, double scale) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (s[..^2], 0.001),
            _ when s.EndsWith('s') || s.EndsWith('S') => (s[..^1], 1),
            _ when s.EndsWith('m') || s.EndsWith('M') => (s[..^1], 60),
            _ when s.EndsWith('h') || s.EndsWith('H') => (s[..^1], 3600),
            _ => (s, 1),
        };
        if (double.TryParse(number.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v))
            return TimeSpan.FromSeconds(v * scale);
        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }
}
