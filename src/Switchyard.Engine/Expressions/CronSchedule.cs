using Cronos;

namespace Switchyard.Engine.Expressions;

/// <summary>A parsed cron trigger: 5 fields (minute precision) or 6 (with seconds), with an optional
/// <c>TZ=Area/City</c> prefix; UTC otherwise. Parsing and occurrences come from Cronos.</summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        Zone = zone;
    }

    /// <summary>The trigger as registered.</summary>
    public string Text { get; }

    /// <summary>Time zone the expression is read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Parses a cron trigger; <paramref name="error"/> says what is wrong.</summary>
    public static CronSchedule? TryParse(string text, out string? error)
    {
        error = null;
        var rest = text.Trim();
        var zone = TimeZoneInfo.Utc;
        if (rest.StartsWith("TZ=", StringComparison.Ordinal) || rest.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) { error = "a TZ= prefix must be followed by the cron fields"; return null; }
            var id = rest[(rest.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { error = $"unknown time zone '{id}'"; return null; }
            rest = rest[(space + 1)..].Trim();
        }
        var fields = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6)) { error = $"'{rest}' has {fields} fields; use 5 (minute hour day month weekday) or 6 (with seconds first)"; return null; }
        try
        {
            return new CronSchedule(text, CronExpression.Parse(rest, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), zone);
        }
        catch (CronFormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, Zone, inclusive: false);

    /// <summary>The last occurrence in (<paramref name="from"/>, <paramref name="to"/>], if any.</summary>
    public DateTimeOffset? LastBetween(DateTimeOffset from, DateTimeOffset to)
    {
        DateTimeOffset? last = null;
        var count = 0;
        foreach (var occurrence in _expression.GetOccurrences(from, to, Zone, fromInclusive: false, toInclusive: true))
        {
            last = occurrence;
            // Walking a long outage of a per-second schedule would take a while; the newest tick is all we need.
            if (++count > 100_000) return _expression.GetOccurrences(to.AddHours(-1), to, Zone, false, true).LastOrDefault() is var l && l != default ? l : last;
        }
        return last;
    }
}
