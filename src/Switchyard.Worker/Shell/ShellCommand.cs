namespace Switchyard.Worker.Shell;

/// <summary>A command for <see cref="ShellRunner"/>: run with <c>/bin/sh -c</c> in its own process group.</summary>
/// <param name="Command">The shell command line.</param>
public sealed record ShellCommand(string Command)
{
    /// <summary>Default for <see cref="MaxStdoutBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxStdoutBytes = 1024 * 1024;

    /// <summary>Default for <see cref="StderrTailBytes"/>: 4 KiB.</summary>
    public const int DefaultStderrTailBytes = 4096;

    /// <summary>Working directory; the worker's own when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set on top of the worker's environment (which the command inherits).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>When to kill the process group; no limit when null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How much of stdout is kept; the rest is read and counted but discarded.</summary>
    public int MaxStdoutBytes { get; init; } = DefaultMaxStdoutBytes;

    /// <summary>How many of the last bytes of stderr are kept.</summary>
    public int StderrTailBytes { get; init; } = DefaultStderrTailBytes;

    /// <summary>Between SIGTERM and SIGKILL when the group is stopped.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(2);
}
