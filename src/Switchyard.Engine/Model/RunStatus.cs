using Switchyard.Engine.Runs;

namespace Switchyard.Engine.Model;

/// <summary>Run lifecycle: Queued → Running → Completed | Failed | Cancelled.</summary>
public static class RunStatus
{
    /// <summary>Created, first call not made yet.</summary>
    public const string Queued = "Queued";
    /// <summary>At least one call made.</summary>
    public const string Running = "Running";
    /// <summary>Returned a result.</summary>
    public const string Completed = "Completed";
    /// <summary>Failed for good.</summary>
    public const string Failed = "Failed";
    /// <summary>Cancelled by an operator or a rule.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>True for states a run never leaves.</summary>
    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;

    /// <summary>All states, for validation of filters.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Running, Completed, Failed, Cancelled];
}
