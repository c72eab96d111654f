namespace Switchyard.Engine.Model;

/// <summary>Run lifecycle: Queued → Running → Completed | Failed | Cancelled.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Created, first call not made yet.</summary>
    Queued,
    /// <summary>At least one call made.</summary>
    Running,
    /// <summary>Returned a result.</summary>
    Completed,
    /// <summary>Failed for good.</summary>
    Failed,
    /// <summary>Cancelled by an operator or a rule.</summary>
    Cancelled,
}

/// <summary>Questions about <see cref="RunStatus"/>es.</summary>
public static class RunStatuses
{
    /// <summary>True for states a run never leaves.</summary>
    public static bool IsTerminal(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>Reads a status filter the way operators type it (any case).</summary>
    public static bool TryParseFilter(string text, out RunStatus status)
    {
        var name = All.FirstOrDefault(s => s.Equals(text, StringComparison.OrdinalIgnoreCase));
        status = default;
        return name is not null && WireNames.TryParse(name, out status);
    }

    /// <summary>All states' wire names, for validation of filters.</summary>
    public static IReadOnlyList<string> All => WireNames.All<RunStatus>();
}
