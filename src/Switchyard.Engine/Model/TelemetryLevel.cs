namespace Switchyard.Engine.Model;

/// <summary>Severity levels of telemetry events, lowest first.</summary>
public static class TelemetryLevel
{
    /// <summary>Detail for debugging; sampled when a component floods.</summary>
    public const string Debug = "debug";
    /// <summary>Normal operation.</summary>
    public const string Info = "info";
    /// <summary>Something worth a look; never sampled.</summary>
    public const string Warn = "warn";
    /// <summary>A failure; never sampled.</summary>
    public const string Error = "error";

    /// <summary>Every level, lowest first.</summary>
    public static readonly IReadOnlyList<string> All = [Debug, Info, Warn, Error];

    /// <summary>The canonical spelling of <paramref name="text"/> (case-insensitive), or null when it is not a level.</summary>
    public static string? Normalize(string? text) =>
        text is null ? null : All.FirstOrDefault(l => l.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
}
