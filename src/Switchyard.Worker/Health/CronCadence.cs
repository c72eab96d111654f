using Cronos;

namespace Switchyard.Worker.Health;

/// <summary>How often a cron trigger fires, read the way the server reads it: 5 fields, or 6 with seconds first,
/// with an optional <c>TZ=Area/City</c> prefix.</summary>
internal static class CronCadence
{
    /// <summary>Occurrences looked at: enough to span a weekend or a month boundary.</summary>
    private const int Sample = 10;

    /// <summary>The longest gap between the next few fires after <paramref name="now"/>, so an irregular schedule
    /// (weekdays only, say) is judged by its longest quiet spell; null when it does not parse or never fires.</summary>
    public static TimeSpan? Of(string cron, DateTimeOffset now)
    {
        var rest = cron.Trim();
        var zone = TimeZoneInfo.Utc;
        if (rest.StartsWith("TZ=", StringComparison.Ordinal) || rest.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) return null;
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(rest[(rest.IndexOf('=', StringComparison.Ordinal) + 1)..space]);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return null;
            }
            rest = rest[(space + 1)..].Trim();
        }
        var fields = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6)) return null;
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(rest, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            return null;
        }
        TimeSpan? longest = null;
        var previous = expression.GetNextOccurrence(now, zone);
        for (var i = 0; i < Sample && previous is { } from; i++)
        {
            var next = expression.GetNextOccurrence(from, zone);
            if (next is not { } to) break;
            if (longest is null || to - from > longest) longest = to - from;
            previous = to;
        }
        return longest;
    }
}
