using Switchyard.Client.Models;

namespace Switchyard.Server.Dashboard;

/// <summary>The bars of a run's Gantt chart, from its history: each call to the app, each step attempt (completed,
/// errored, failed), and each sleep, wait and invoke from its start to its end (or to now while it is open).</summary>
internal sealed record RunTimeline(long Start, long End, IReadOnlyList<RunTimeline.Bar> Bars)
{
    /// <summary>One bar.</summary>
    /// <param name="Label">What it is, e.g. <c>charge (attempt 2)</c>.</param>
    /// <param name="Kind">Its CSS kind: call, step, error, failed, sleep, wait, invoke.</param>
    /// <param name="From">Start, Unix ms.</param>
    /// <param name="To">End, Unix ms.</param>
    /// <param name="Open">Still going.</param>
    public sealed record Bar(string Label, string Kind, long From, long To, bool Open);

    /// <summary>Builds the timeline of <paramref name="detail"/>; <paramref name="now"/> ends bars still open.</summary>
    public static RunTimeline Of(RunDetail detail, long now)
    {
        var run = detail.Run;
        var end = run.EndedAt ?? Math.Max(now, detail.History.Count > 0 ? detail.History.Max(h => h.At) : run.CreatedAt);
        var bars = new List<Bar>();
        var open = new Dictionary<string, (HistoryView Entry, string Kind)>(StringComparer.Ordinal);
        foreach (var h in detail.History.OrderBy(h => h.At))
        {
            var name = h.StepName ?? h.StepHash ?? "step";
            var attempt = h.Attempt > 0 ? $" (attempt {h.Attempt + 1})" : "";
            switch (h.Kind)
            {
                case "call" when h.DurationMs is { } d:
                    bars.Add(new Bar($"call{attempt}", "call", h.At - (long)d, h.At, false));
                    break;
                case "step.completed" or "step.errored" or "step.failed":
                    var kind = h.Kind == "step.completed" ? "step" : h.Kind == "step.errored" ? "error" : "failed";
                    var length = (long)(h.DurationMs ?? 0);
                    bars.Add(new Bar(name + attempt, kind, h.At - length, h.At, false));
                    break;
                case "sleep.started" or "wait.started" or "invoke.started":
                    open[h.Kind[..h.Kind.IndexOf('.', StringComparison.Ordinal)] + ":" + (h.StepHash ?? name)] = (h, h.Kind[..h.Kind.IndexOf('.', StringComparison.Ordinal)]);
                    break;
                case "sleep.ended" or "wait.resolved" or "wait.timed_out" or "invoke.finished":
                    var key = h.Kind[..h.Kind.IndexOf('.', StringComparison.Ordinal)] + ":" + (h.StepHash ?? name);
                    if (open.Remove(key, out var started))
                        bars.Add(new Bar($"{started.Kind} {started.Entry.StepName ?? name}{(h.Kind == "wait.timed_out" ? " (timed out)" : "")}", started.Kind, started.Entry.At, h.At, false));
                    break;
            }
        }
        foreach (var (_, (entry, kind)) in open)
            bars.Add(new Bar($"{kind} {entry.StepName ?? entry.StepHash ?? ""}", kind, entry.At, end, true));
        bars.Sort((a, b) => a.From.CompareTo(b.From));
        var start = Math.Min(run.CreatedAt, bars.Count > 0 ? bars.Min(b => b.From) : run.CreatedAt);
        return new RunTimeline(start, Math.Max(end, start + 1), bars);
    }

    /// <summary>Where <paramref name="at"/> falls on a chart <paramref name="width"/> wide.</summary>
    public double X(long at, double width) => (at - Start) * width / (End - Start);
}
