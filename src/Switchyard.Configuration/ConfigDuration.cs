using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchyard.Configuration;

/// <summary>The one duration grammar of configuration files, environment variables and command-line flags:
/// unit terms (<c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>1.5h</c>) or a time span in the
/// invariant "c" format (<c>00:00:30</c>, <c>1.02:00:00</c>). A bare number is refused: <c>call_timeout = 30</c>
/// reads as seconds to one person and days to another, so the unit has to be written. (The Inngest wire grammar
/// is <c>Switchyard.Protocol.TimeString</c>; it is not this one.)</summary>
public static partial class ConfigDuration
{
    /// <summary>What a valid duration looks like, for error messages.</summary>
    public const string Expected = "a duration such as 30s, 5m, 1h30m, 2d, 250ms or 00:00:30";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why. Never throws.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string problem)
    {
        value = TimeSpan.Zero;
        problem = "";
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            problem = $"is empty; expected {Expected}";
            return false;
        }
        if (s.Contains(':', StringComparison.Ordinal))
        {
            // Two colons required: the "c" parser also takes "10:00", which reads as 10 minutes to some and 10 hours to .NET.
            if (s.Count(c => c == ':') == 2 && TimeSpan.TryParseExact(s, "c", CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
            {
                value = span;
                return true;
            }
            problem = $"'{s}' is not {Expected}";
            return false;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            problem = $"'{s}' is a bare number: write the unit, e.g. {s}s or {s}m";
            return false;
        }
        if (!Terms().IsMatch(s))
        {
            problem = $"'{s}' is not {Expected}";
            return false;
        }
        // Decimal ticks: digits can be arbitrarily long, and a double sum would round 1h + 1ms.
        decimal ticks = 0;
        foreach (Match m in Term().Matches(s))
        {
            if (!decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n > 1_000_000_000_000m)
            {
                problem = $"'{s}' is too long a duration";
                return false;
            }
            ticks += n * m.Groups[2].Value switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => TimeSpan.TicksPerDay,
            };
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                problem = $"'{s}' is too long a duration";
                return false;
            }
        }
        value = TimeSpan.FromTicks((long)decimal.Round(ticks));
        return true;
    }

    /// <summary>Parses <paramref name="text"/>, or null when it is not a duration.</summary>
    public static TimeSpan? TryParse(string? text) => TryParse(text, out var value, out _) ? value : null;

    /// <summary>Parses the value of <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">It is not a duration; the message names <paramref name="key"/>.</exception>
    public static TimeSpan Parse(string? text, string key) =>
        TryParse(text, out var value, out var problem) ? value : throw new FormatException($"{key}: {problem}");

    /// <summary>Formats compactly (<c>1h30m</c>, <c>250ms</c>, <c>0s</c>) so that <see cref="TryParse(string?)"/> reads
    /// back the same value; spans with sub-millisecond parts use the "c" format, negative ones are prefixed with -.</summary>
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero || span.Ticks % TimeSpan.TicksPerMillisecond != 0) return span.ToString("c", CultureInfo.InvariantCulture);
        if (span == TimeSpan.Zero) return "0s";
        var parts = new List<string>(5);
        if (span.Days > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Days}d"));
        if (span.Hours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h"));
        if (span.Minutes > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m"));
        if (span.Seconds > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s"));
        if (span.Milliseconds > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Milliseconds}ms"));
        return string.Concat(parts);
    }

    [GeneratedRegex(@"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Terms();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Term();
}
