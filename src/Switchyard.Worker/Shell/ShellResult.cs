using System.Text.Json.Serialization;

namespace Switchyard.Worker.Shell;

/// <summary>How a shell command ended. A non-zero exit is an ordinary result, not an exception.</summary>
/// <param name="ExitCode">The shell's exit code; 128 + N when a signal N killed it (as after a timeout), 127 when it
/// could not start (a missing working directory).</param>
/// <param name="Stdout">Standard output (UTF-8), at most the configured number of bytes.</param>
/// <param name="StdoutTruncated">Whether stdout was longer than what <paramref name="Stdout"/> holds.</param>
/// <param name="StdoutBytes">How many bytes the command wrote to stdout in all.</param>
/// <param name="StderrTail">The last bytes of standard error (UTF-8).</param>
/// <param name="TimedOut">The timeout passed and the process group was killed.</param>
/// <param name="Cancelled">The run was cancelled and the process group was killed.</param>
/// <param name="DurationMs">From start until the command and its group were gone.</param>
public sealed record ShellResult(int ExitCode, string Stdout, bool StdoutTruncated, long StdoutBytes, string StderrTail,
    bool TimedOut, bool Cancelled, long DurationMs)
{
    /// <summary>Set by the shell function: the execution number claimed for the DAG node (1, 2, …; every execution,
    /// retry or re-delivery gets a new one). Null when the runner is used directly.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Attempt { get; init; }
}
