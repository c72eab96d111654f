namespace Switchyard.Engine.Model;

/// <summary>Unix-ms instants before which finished work is deleted; <see cref="Never"/> keeps a kind forever.</summary>
/// <param name="Completed">Completed runs that ended before this go.</param>
/// <param name="Failed">Failed runs that ended before this go.</param>
/// <param name="Cancelled">Cancelled runs that ended before this go.</param>
/// <param name="Events">Events received before this go, once no kept run refers to them.</param>
/// <param name="WorkItems">Done and failed work-queue items that ended before this go.</param>
/// <param name="Telemetry">Telemetry received before this goes.</param>
public sealed record RetentionCutoffs(long Completed, long Failed, long Cancelled, long Events, long WorkItems, long Telemetry)
{
    /// <summary>A cutoff no row is older than.</summary>
    public const long Never = long.MinValue;
}
