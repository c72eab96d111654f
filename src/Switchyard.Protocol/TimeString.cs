using System.Globalization;
using System.Text;

namespace Switchyard.Protocol;

/// <summary>Durations in the protocol's compact form (<c>10s</c>, <c>1m30s</c>, <c>2w1d</c>, <c>250ms</c>) and
/// instants in ISO-8601.</summary>
public static class TimeString
{
    /// <summary>Parses a compact duration. Units: <c>w d h m s ms</c>; numbers may be fractional.</summary>
    /// <returns>false when the text is empty, has an unknown unit, or a number without a unit.</returns>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var i = 0;
        double totalMs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            while (i < s.Length && s[i] == ' ') i++;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double unitMs = s.AsSpan(unitStart, i - unitStart) switch
            {
                "ms" => 1,
                "s" or "sec" or "secs" or "second" or "seconds" => 1000,
                "m" or "min" or "mins" or "minute" or "minutes" => 60_000,
                "h" or "hr" or "hrs" or "hour" or "hours" => 3_600_000,
                "d" or "day" or "days" => 86_400_000,
                "w" or "week" or "weeks" => 604_800_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMs)) return false;
            totalMs += n * unitMs;
            while (i < s.Length && s[i] == ' ') i++;
        }
        if (totalMs > TimeSpan.MaxValue.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Resolves a sleep target: a duration relative to <paramref name="now"/>, or an ISO instant.</summary>
    public static bool TryParseWakeTime(string? text, DateTimeOffset now, out DateTimeOffset wakeAt)
    {
        if (TryParseDuration(text, out var d))
        {
            wakeAt = now + d;
            return true;
        }
        if (text is not null && text.Length > 8 &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out wakeAt))
            return true;
        wakeAt = default;
        return false;
    }

    /// <summary>Formats a duration compactly (<c>1h2m3s</c>); sub-second remainders are rounded up to 1s,
    /// as the SDKs do.</summary>
    public static string Format(TimeSpan duration)
    {
        var totalSeconds = (long)Math.Ceiling(duration.TotalSeconds);
        if (totalSeconds <= 0) return "1s";
        var sb = new StringBuilder();
        void Part(long value, char unit)
        {
            if (value > 0) sb.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
        Part(totalSeconds / 86_400, 'd');
        Part(totalSeconds % 86_400 / 3600, 'h');
        Part(totalSeconds % 3600 / 60, 'm');
        Part(totalSeconds % 60, 's');
        return sb.ToString();
    }
}
