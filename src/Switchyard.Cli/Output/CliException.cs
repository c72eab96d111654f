namespace Switchyard.Cli.Output;

/// <summary>An error a command reports: a stable code, a one-line message and, where one exists, the fix.</summary>
public sealed class CliException(string code, string message, string? fix = null) : Exception(message)
{
    /// <summary>Stable machine-readable code.</summary>
    public string Code { get; } = code;
    /// <summary>What to do about it.</summary>
    public string? Fix { get; } = fix;
}
