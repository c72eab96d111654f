namespace Switchyard.Supervisor.Processes;

/// <summary>A LISTEN socket on a port and, when visible, the process holding it.</summary>
/// <param name="Address">The local address it listens on.</param>
/// <param name="Uid">The socket owner's user id.</param>
/// <param name="Process">The holder's stat; null when its fd table is not readable (another user's process).</param>
/// <param name="CommandLine">The holder's command line, when visible.</param>
internal sealed record PortHolder(string Address, int Uid, ProcStat? Process, string? CommandLine)
{
    /// <summary>One phrase for messages: <c>pid 123 (python3 -m http.server 3111)</c>.</summary>
    public string Describe() => Process is { } p
        ? $"pid {p.Pid}{(string.IsNullOrEmpty(CommandLine) ? "" : $" ({Clip(CommandLine)})")}"
        : $"a process of uid {Uid} not visible to the supervisor";

    private static string Clip(string s) => s.Length <= 120 ? s : s[..119] + "…";
}
