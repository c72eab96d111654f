using System.Runtime.InteropServices;

namespace Switchyard.Worker.Shell;

/// <summary>libc <c>kill(2)</c>, which .NET lacks with a chosen signal and a negative id (a whole process group).
/// <see cref="System.Diagnostics.Process.Kill(bool)"/> with <c>entireProcessTree</c> walks parent links in
/// <c>/proc</c> at the moment it is called, so it misses a grandchild whose parent already exited (re-parented to
/// init or a subreaper), e.g. <c>sleep 300 &amp;</c> after its shell was killed; a process group keeps it.</summary>
internal static partial class ProcessGroupSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Signals every process of group <paramref name="pgid"/>; false when none is left (or none is ours).
    /// Signal 0 only checks.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && Kill(-pgid, signal) == 0;

    /// <summary>Signals one process; false when it does not exist.</summary>
    public static bool SignalProcess(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;
}
