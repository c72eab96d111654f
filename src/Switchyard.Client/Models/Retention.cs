namespace Switchyard.Client.Models;

/// <summary>Rows retention deleted (or would delete), per kind.</summary>
/// <param name="Runs">Finished runs past <c>[retention]</c> completed / failed / cancelled.</param>
/// <param name="Steps">Memoized steps of those runs.</param>
/// <param name="History">History entries of those runs.</param>
/// <param name="Decisions">Trigger decisions of those runs and of deleted events.</param>
/// <param name="QueueItems">Run-queue rows those runs left behind.</param>
/// <param name="Waits">Waits those runs left behind.</param>
/// <param name="Events">Events past <c>retention.events</c> that no kept run refers to (a dry run's count is an upper bound).</param>
/// <param name="WorkItems">Done and failed work-queue items past <c>[queue] retention</c>.</param>
/// <param name="Telemetry">Telemetry events past <c>telemetry_retention</c>.</param>
public sealed record GcCounts(long Runs, long Steps, long History, long Decisions, long QueueItems, long Waits, long Events, long WorkItems, long Telemetry);

/// <summary><c>POST /v1/gc</c>.</summary>
/// <param name="DryRun">Nothing was deleted; the counts are what a sweep now would delete.</param>
/// <param name="Counts">Per kind.</param>
/// <param name="Total">All rows.</param>
public sealed record GcResult(bool DryRun, GcCounts Counts, long Total);
