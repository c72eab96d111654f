using System.Globalization;

namespace Switchyard.Server.Webhooks;

/// <summary>Checks a signed delivery timestamp against the clock, so a captured delivery cannot be replayed later.</summary>
public static class WebhookTimestamp
{
    // 9999-12-31T23:59:59.999Z in Unix ms: the last instant DateTimeOffset holds.
    private const long MaxUnixMs = 253_402_300_799_999;

    /// <summary>Null when <paramref name="value"/> (Unix seconds, or milliseconds when that large) is within
    /// <paramref name="tolerance"/> of <paramref name="now"/>; otherwise what is wrong with it.</summary>
    public static string? Problem(string? value, string header, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"missing {header}";
        if (!long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return $"{header} must be a Unix timestamp";
        // Past year 9999 in milliseconds nothing is a real delivery, and larger values overflow the arithmetic below.
        if (number > MaxUnixMs) return $"{header} is not a plausible Unix timestamp (too large)";
        // Millisecond timestamps have 13 digits until the year 2286; second timestamps have 10.
        var ms = number > 100_000_000_000 ? number : number * 1000;
        var age = TimeSpan.FromMilliseconds(now.ToUnixTimeMilliseconds() - ms);
        if (age.Duration() <= tolerance) return null;
        return age > TimeSpan.Zero
            ? $"{header} is {age.TotalSeconds:0} s old; deliveries older than {tolerance.TotalSeconds:0} s are refused as replays"
            : $"{header} is {-age.TotalSeconds:0} s in the future; the tolerance is {tolerance.TotalSeconds:0} s";
    }
}
