using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Work;

/// <summary>The work queue's answers: items, their fate (<c>yard queue why</c>: paused, behind N items of higher
/// priority, family at concurrency, retrying, dispatched, failed) and per-family statistics.</summary>
public sealed class QueueInsight(IStore store, QueueFamilies families, QueuePauses pauses, TimeProvider time)
{
    /// <summary>Most items one list (and one why's look at a family's queue) reads.</summary>
    public const int MaxItems = 10_000;

    /// <summary>Items, newest first, optionally of one family and state.</summary>
    public async Task<(QueueItemList? List, EngineError? Error)> ListAsync(string? family, string? state, int limit, CancellationToken cancellationToken)
    {
        WorkItemState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!WireNames.TryParse<WorkItemState>(state, out var parsed))
                return (null, EngineError.Invalid("invalid_state", $"state must be one of {string.Join(", ", WireNames.All<WorkItemState>())}"));
            filter = parsed;
        }
        if (limit is < 1 or > MaxItems) return (null, EngineError.Invalid("invalid_limit", $"limit must be between 1 and {MaxItems}"));
        var now = Now;
        var items = await store.Reader.ListWorkItemsAsync(string.IsNullOrEmpty(family) ? null : family, filter, oldestFirst: false, limit, cancellationToken);
        return (new QueueItemList(items.Select(i => View(i, now, null)).ToList()), null);
    }

    /// <summary>One item with the reasons for its state.</summary>
    public async Task<(QueueItemView? Item, EngineError? Error)> ExplainAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.Reader.GetWorkItemAsync(id, cancellationToken) is not { } item) return (null, EngineError.NotFound($"no queue item '{id}'"));
        var now = Now;
        return (View(item, now, await WhyAsync(item, now, cancellationToken)), null);
    }

    /// <summary>Per family (declared ones, and any other with stored items) and priority: depth, oldest age, active,
    /// dispatches in the last minute, done and failed counts, the pause in force.</summary>
    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var counts = await store.Reader.CountWorkItemsAsync(now - 60_000, cancellationToken);
        var paused = (await pauses.ListAsync(cancellationToken)).ToDictionary(p => p.Family, StringComparer.Ordinal);
        var names = families.Names.Concat(counts.Select(c => c.Family)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var stats = names.Select(name =>
        {
            var f = families.Find(name);
            var of = counts.Where(c => c.Family == name).ToList();
            long Sum(WorkItemState s) => of.Where(c => c.State == s).Sum(c => c.Count);
            var priorities = Enum.GetValues<QueuePriority>().Select(p =>
            {
                var queued = of.Where(c => c.State == WorkItemState.Queued && c.Priority == p).ToList();
                return new QueuePriorityStats(p.ToString(), queued.Sum(c => c.Count), queued.Count == 0 ? null : now - queued.Min(c => c.OldestEnqueuedAt));
            }).ToList();
            return new QueueFamilyStats(name, f is null ? null : QueueFamilies.HandlerName(f), f is null ? null : QueueFamilies.Target(f), f?.Concurrency ?? 0,
                Sum(WorkItemState.Active), Sum(WorkItemState.Queued), priorities, of.Sum(c => c.DispatchedSince), Sum(WorkItemState.Done), Sum(WorkItemState.Failed),
                paused.GetValueOrDefault(name));
        }).ToList();
        return new QueueStats(stats, (long)families.AgeAfter.TotalMilliseconds);
    }

    private async Task<IReadOnlyList<QueueWhy>> WhyAsync(WorkItem item, long now, CancellationToken ct)
    {
        var why = new List<QueueWhy>();
        if (item.Deduplicated > 0)
            why.Add(new("deduplicated", $"{item.Deduplicated} later emit(s) with dedup key '{item.DedupKey}' were folded into this item (stored once)"));
        switch (item.State)
        {
            case WorkItemState.Done:
                why.Add(new("dispatched", $"dispatched at {Time(item.DispatchedAt)} (attempt {item.Attempt}){(item.Result is null ? "" : ": " + item.Result)}"));
                return why;
            case WorkItemState.Failed:
                why.Add(new("failed", $"failed at {Time(item.FinishedAt)} after {item.Attempt} attempt(s): {item.Error}"));
                return why;
            case WorkItemState.Active:
                why.Add(new("active", $"dispatched at {Time(item.DispatchedAt)} (attempt {item.Attempt}); its handler has not answered yet"));
                return why;
        }
        if (families.Find(item.Family) is not { } f)
        {
            why.Add(new("unknown_family", $"family '{item.Family}' is not declared in this server's configuration; the item stays queued until it is"));
            return why;
        }
        if ((await pauses.ListAsync(ct)).FirstOrDefault(p => p.Family == item.Family) is { } pause)
            why.Add(new("paused", $"family '{item.Family}' is paused until {Time(pause.Until)}: {pause.Reason} (yard queue resume {item.Family})"));
        if (item.NotBefore > now)
            why.Add(new("retrying", $"attempt {item.Attempt} failed ({item.Error}); the next attempt is due at {Time(item.NotBefore)}"));
        var queued = await store.Reader.ListWorkItemsAsync(item.Family, WorkItemState.Queued, oldestFirst: true, MaxItems, ct);
        var mine = WorkOrder.Effective(item, now, families.AgeAfter);
        var ahead = queued.Where(q => q.Id != item.Id && WorkOrder.Before(q, item, now, families.AgeAfter)).ToList();
        var higher = ahead.Count(q => WorkOrder.Effective(q, now, families.AgeAfter) < mine);
        if (ahead.Count > 0)
            why.Add(new("behind", $"waiting behind {higher} item(s) of higher priority and {ahead.Count - higher} older item(s) of priority {mine}"
                + (mine != item.Priority ? $" (emitted {item.Priority}, aged to {mine})" : "")));
        var active = (await store.Reader.ListWorkItemsAsync(item.Family, WorkItemState.Active, oldestFirst: true, MaxItems, ct)).Count;
        if (active >= f.Concurrency)
            why.Add(new("concurrency", $"family at concurrency: {active} of {f.Concurrency} active"));
        if (why.All(w => w.Code == "deduplicated"))
            why.Add(new("next", "next to dispatch: nothing holds it back"));
        return why;
    }

    private QueueItemView View(WorkItem i, long now, IReadOnlyList<QueueWhy>? why) => new(
        i.Id, i.Family, i.Priority.ToString(), i.State == WorkItemState.Queued ? WorkOrder.Effective(i, now, families.AgeAfter).ToString() : null,
        i.State.ToWire(), JsonNode.Parse(i.Data), i.DedupKey, i.EnqueuedAt, i.Attempt, i.NotBefore > i.EnqueuedAt ? i.NotBefore : null,
        i.DispatchedAt, i.FinishedAt, i.Error, i.Result, i.Deduplicated, why);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Time(long? unixMs) =>
        unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "?";
}
