using Switchyard.Configuration;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Work;

/// <summary>The dispatch order of a family's queued items: effective priority first (P0 first), then FIFO by enqueue
/// time. Aging lifts a P2 or P3 item one level once it has waited <c>age_after</c>; P1 never ages into P0.</summary>
public static class WorkOrder
{
    /// <summary>The priority <paramref name="item"/> counts as at <paramref name="now"/> (Unix ms).</summary>
    public static QueuePriority Effective(WorkItem item, long now, TimeSpan ageAfter) =>
        ageAfter > TimeSpan.Zero && item.Priority >= QueuePriority.P2 && now - item.EnqueuedAt >= (long)ageAfter.TotalMilliseconds
            ? item.Priority - 1
            : item.Priority;

    /// <summary><paramref name="items"/> in dispatch order at <paramref name="now"/>.</summary>
    public static IEnumerable<WorkItem> Sort(IEnumerable<WorkItem> items, long now, TimeSpan ageAfter) =>
        items.OrderBy(i => Effective(i, now, ageAfter)).ThenBy(i => i.EnqueuedAt).ThenBy(i => i.Seq);

    /// <summary>True when <paramref name="a"/> is dispatched before <paramref name="b"/> at <paramref name="now"/>.</summary>
    public static bool Before(WorkItem a, WorkItem b, long now, TimeSpan ageAfter)
    {
        var (pa, pb) = (Effective(a, now, ageAfter), Effective(b, now, ageAfter));
        if (pa != pb) return pa < pb;
        return a.EnqueuedAt != b.EnqueuedAt ? a.EnqueuedAt < b.EnqueuedAt : a.Seq < b.Seq;
    }

    /// <summary>Parses <c>P0</c>..<c>P3</c> (any case).</summary>
    public static bool TryParse(string? text, out QueuePriority priority)
    {
        var valid = text is { Length: 2 } && (text[0] is 'P' or 'p') && text[1] is >= '0' and <= '3';
        priority = valid ? (QueuePriority)(text![1] - '0') : default;
        return valid;
    }
}
