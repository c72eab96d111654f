namespace Switchyard.Engine.Model;

/// <summary>Rows deleted (or, for a dry run, that would be deleted) by retention, per kind.</summary>
/// <param name="Runs">Finished runs.</param>
/// <param name="Steps">Memoized steps of those runs.</param>
/// <param name="History">History entries of those runs.</param>
/// <param name="Decisions">Trigger decisions of those runs and of deleted events.</param>
/// <param name="QueueItems">Run-queue rows those runs left behind.</param>
/// <param name="Waits">Waits those runs left behind.</param>
/// <param name="Events">Events no kept run refers to.</param>
/// <param name="WorkItems">Done and failed work-queue items.</param>
/// <param name="Telemetry">Telemetry events.</param>
public sealed record RetentionCounts(long Runs = 0, long Steps = 0, long History = 0, long Decisions = 0, long QueueItems = 0, long Waits = 0,
    long Events = 0, long WorkItems = 0, long Telemetry = 0)
{
    /// <summary>Nothing.</summary>
    public static RetentionCounts None { get; } = new();

    /// <summary>All rows.</summary>
    public long Total => Runs + Steps + History + Decisions + QueueItems + Waits + Events + WorkItems + Telemetry;

    /// <summary>The sum of two counts.</summary>
    public RetentionCounts Plus(RetentionCounts other) => new(Runs + other.Runs, Steps + other.Steps, History + other.History,
        Decisions + other.Decisions, QueueItems + other.QueueItems, Waits + other.Waits, Events + other.Events,
        WorkItems + other.WorkItems, Telemetry + other.Telemetry);
}
