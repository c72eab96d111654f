using System.Runtime.InteropServices;

namespace Switchyard.Supervisor.Processes;

/// <summary>The one system call the supervisor needs that .NET lacks: <c>kill(2)</c> with a chosen signal, which
/// also reaches a whole process group (negative id). <see cref="System.Diagnostics.Process.Kill()"/> only sends
/// SIGKILL to one process (or walks a tree that misses re-parented grandchildren).</summary>
internal static partial class Libc
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Signals one process; false when it does not exist (or is not ours to signal).</summary>
    public static bool Signal(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;

    /// <summary>Signals every process of group <paramref name="pgid"/>; false when the group is empty.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && Kill(-pgid, signal) == 0;
}
