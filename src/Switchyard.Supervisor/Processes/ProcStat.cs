using System.Globalization;

namespace Switchyard.Supervisor.Processes;

/// <summary>The fields of <c>/proc/PID/stat</c> the supervisor needs: state, parent, process group, session, and the
/// start time (clock ticks since boot), which tells a process apart from a later one that got the same pid.</summary>
internal sealed record ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, long StartTicks)
{
    /// <summary>False for zombies and dead tasks, which hold no sockets and cannot be signalled away.</summary>
    public bool Alive => State is not ('Z' or 'X' or 'x');

    /// <summary>Parses a stat line; null when it is malformed.</summary>
    public static ProcStat? Parse(string text)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces and ')': split after the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open <= 0 || close < open) return null;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        var f = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // f[0] is field 3 (state); field N is f[N - 3]; starttime is field 22.
        if (f.Length < 20 || f[0].Length != 1) return null;
        return int.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ppid)
            && int.TryParse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pgrp)
            && int.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var session)
            && long.TryParse(f[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? new ProcStat(pid, f[0][0], ppid, pgrp, session, start)
                : null;
    }
}
