using System.Globalization;

namespace Switchyard.Configuration;

/// <summary>How long finished work is kept (<c>[retention]</c>): runs by how they ended, with their steps, history,
/// decisions and leftover queue rows, and events no kept run refers to. 0 keeps forever. A run that is queued,
/// running, sleeping or waiting is never deleted, nor is an event a kept run refers to. Telemetry has its own
/// retention (<c>telemetry_retention</c>) and done work-queue items theirs (<c>[queue] retention</c>); all are deleted
/// the same way, in short slices, and <c>yard gc</c> runs them all.</summary>
public sealed class RetentionOptions
{
    /// <summary>How long a completed run is kept after it ended.</summary>
    public TimeSpan Completed { get; set; } = TimeSpan.FromDays(7);
    /// <summary>How long a failed run is kept after it ended.</summary>
    public TimeSpan Failed { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How long a cancelled run is kept after it ended.</summary>
    public TimeSpan Cancelled { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How long an event is kept after receipt once no kept run refers to it (with its trigger decisions).
    /// At least <c>dedup_window</c>: a deleted event's id could be accepted again.</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Most rows one deleting transaction touches: the store has one writer, and every run waits behind it.</summary>
    public int Slice { get; set; } = 500;

    /// <summary>What is wrong, one line per problem naming the key (empty when valid).</summary>
    public IReadOnlyList<string> Problems(TimeSpan dedupWindow)
    {
        var problems = new List<string>();
        if (Slice is < 1 or > 100_000) problems.Add("retention.slice must be between 1 and 100000 rows");
        if (Events > TimeSpan.Zero && Events < dedupWindow)
            problems.Add($"retention.events ({ConfigDuration.Format(Events)}) must be at least dedup_window ({ConfigDuration.Format(dedupWindow)}), or 0 to keep events forever: a deleted event's id would be accepted again");
        return problems;
    }

    /// <summary>A summary: <c>yard config</c> prints options with <c>ToString</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"completed={ConfigDuration.Format(Completed)} failed={ConfigDuration.Format(Failed)} cancelled={ConfigDuration.Format(Cancelled)} events={ConfigDuration.Format(Events)} slice={Slice}");
}
