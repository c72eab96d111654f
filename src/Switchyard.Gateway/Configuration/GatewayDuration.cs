using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Configuration;

/// <summary>Durations as people write them in config and on the command line: <c>250ms</c>, <c>30s</c>, <c>5m</c>,
/// <c>8h</c>, <c>1d</c>, combinations such as <c>1h30m</c>, plain seconds (<c>30</c>, <c>0.5</c>), or <c>hh:mm:ss</c>.</summary>
public static partial class GatewayDuration
{
    /// <summary>Parses <paramref name="text"/>, or returns null when it is not a duration.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        if (text.Contains(':', StringComparison.Ordinal))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
        var parts = Part().Matches(text);
        if (parts.Count == 0 || parts.Sum(m => m.Length) != text.Length) return null;
        var total = TimeSpan.Zero;
        foreach (Match m in parts)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        return total;
    }

    /// <summary>Formats a duration compactly (<c>8h</c>, <c>1h30m</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1)) return $"{span.TotalMilliseconds:0}ms";
        var parts = new List<string>();
        if (span.Days > 0) parts.Add($"{span.Days}d");
        if (span.Hours > 0) parts.Add($"{span.Hours}h");
        if (span.Minutes > 0) parts.Add($"{span.Minutes}m");
        if (span.Seconds > 0) parts.Add($"{span.Seconds}s");
        return string.Concat(parts);
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
