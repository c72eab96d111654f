namespace Switchyard.Engine.Model;

/// <summary>A search over stored telemetry, newest first. Every filter is optional; they combine with AND.</summary>
/// <param name="Terms">Words that must all occur (as word prefixes) in action, error, metadata, component or source.</param>
/// <param name="Levels">Any of these levels.</param>
/// <param name="Source">Exact source (case-insensitive).</param>
/// <param name="Component">Exact component (case-insensitive).</param>
/// <param name="SinceMs">Only events whose timestamp is at or after this, Unix ms.</param>
/// <param name="Count">Most events returned.</param>
public sealed record TelemetryQuery(
    IReadOnlyList<string> Terms,
    IReadOnlyList<string> Levels,
    string? Source,
    string? Component,
    long? SinceMs,
    int Count)
{
    /// <summary>The searchable words of free text: runs of letters and digits, lower-cased, at most 16. Punctuation
    /// separates words, as it does in the index, so <c>run.failed</c> finds the words <c>run</c> and <c>failed</c>.</summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in text + " ")
        {
            if (char.IsLetterOrDigit(c)) { current.Append(char.ToLowerInvariant(c)); continue; }
            if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        return words.Distinct(StringComparer.Ordinal).Take(16).ToList();
    }
}
