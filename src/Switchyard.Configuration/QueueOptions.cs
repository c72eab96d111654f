using System.Globalization;

namespace Switchyard.Configuration;

/// <summary>The prioritized work queue (<c>[queue]</c>): aging and the declared families
/// (<c>[queue.families.NAME]</c>). Items of families not declared here are refused.</summary>
public sealed class QueueOptions
{
    /// <summary>How long a P2 or P3 item waits before it counts one level higher (P3 → P2, P2 → P1). P1 never ages
    /// into P0: P0 stays reserved for what was emitted as urgent. 0 turns aging off.</summary>
    public TimeSpan AgeAfter { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How long done and failed items are kept after they end (0 = forever); the dispatcher deletes older ones.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>The families, by name.</summary>
    public Dictionary<string, QueueFamilyOptions> Families { get; } = new(StringComparer.Ordinal);

    /// <summary>What is wrong with the declared families, one line per problem naming the key (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, f) in Families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var key = $"queue.families.{name}";
            if (name.Length is 0 or > 128 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '%' or '?' or '#'))
                problems.Add($"{key}: a family name must be 1 to 128 characters without whitespace, '%', '?' or '#'");
            if (f.Concurrency < 1) problems.Add($"{key}.concurrency must be at least 1");
            if (f.Retries < 0) problems.Add($"{key}.retries must not be negative");
            if (f.DedupWindow < TimeSpan.Zero) problems.Add($"{key}.dedup_window must not be negative");
            if (f.Handler == QueueHandlerKind.Event && f.Event.Length > ServerOptions.MaxEventNameLength)
                problems.Add($"{key}.event must be at most {ServerOptions.MaxEventNameLength} characters");
            if (f.Handler == QueueHandlerKind.Http && (f.Method.Length == 0 || !f.Method.All(char.IsAsciiLetter)))
                problems.Add($"{key}.method must be an HTTP method such as POST or PUT");
            switch (f.Handler)
            {
                case null:
                    problems.Add($"{key}.handler is required: event, pipeline or http");
                    break;
                case QueueHandlerKind.Event when string.IsNullOrWhiteSpace(f.Event):
                    problems.Add($"{key}.event is required with handler = \"event\" (the bus event to send)");
                    break;
                case QueueHandlerKind.Pipeline when string.IsNullOrWhiteSpace(f.Pipeline):
                    problems.Add($"{key}.pipeline is required with handler = \"pipeline\" (the pipeline to start)");
                    break;
                case QueueHandlerKind.Http when !Uri.TryCreate(f.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"):
                    problems.Add($"{key}.url is required with handler = \"http\": an http(s) URL");
                    break;
                case QueueHandlerKind.Http when f.Timeout <= TimeSpan.Zero:
                    problems.Add($"{key}.timeout must be positive");
                    break;
            }
        }
        return problems;
    }

    /// <summary>A summary: <c>yard config</c> prints options with <c>ToString</c>.</summary>
    public override string ToString()
    {
        var families = Families.Count == 0 ? "none" : string.Join(" ", Families.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => $"{f.Key}({f.Value.Handler?.ToString().ToLowerInvariant() ?? "?"} {f.Value.Priority} concurrency {f.Value.Concurrency})"));
        return string.Create(CultureInfo.InvariantCulture, $"age_after={ConfigDuration.Format(AgeAfter)} retention={ConfigDuration.Format(Retention)} families={families}");
    }
}
