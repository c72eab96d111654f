using System.Globalization;

namespace Switchyard.Bench;

/// <summary>CPU time a process has used (user + system, from <c>/proc/PID/stat</c>). CPU time, not wall time, is what
/// a per-call cost is measured in: the machine running the bench is shared, so wall time includes waiting.</summary>
internal static class ProcessCpu
{
    /// <summary>Clock ticks per second of <c>/proc</c> times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Milliseconds of CPU used by <paramref name="pid"/> and its threads since it started.</summary>
    public static double Milliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are the
        // 14th and 15th fields, the 12th and 13th after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000 / TicksPerSecond;
    }
}
