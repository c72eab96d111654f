using System.Globalization;

namespace Switchyard.Supervisor.Processes;

/// <summary>What the supervisor reads from a Linux <c>/proc</c>: process stats and command lines, the boot id, and
/// who listens on a port (LISTEN sockets of <c>net/tcp</c> and <c>net/tcp6</c> matched to processes through the
/// <c>socket:[inode]</c> links under <c>PID/fd</c>). Every read tolerates processes vanishing mid-scan.</summary>
internal sealed class ProcFs(string root = "/proc")
{

    /// <summary>True when the socket tables exist (Linux); elsewhere ports are not checked.</summary>
    public bool Available => File.Exists(Path.Combine(root, "net", "tcp"));

    /// <summary>One process's stat, or null when it does not exist.</summary>
    public ProcStat? Stat(int pid) => Read(Path.Combine(root, pid.ToString(CultureInfo.InvariantCulture), "stat")) is { } text ? ProcStat.Parse(text) : null;

    /// <summary>Every process visible now.</summary>
    public IReadOnlyList<ProcStat> All()
    {
        var list = new List<ProcStat>();
        foreach (var pid in Pids())
            if (Stat(pid) is { } s) list.Add(s);
        return list;
    }

    /// <summary>A process's command line, arguments joined by spaces.</summary>
    public string? CommandLine(int pid) =>
        Read(Path.Combine(root, pid.ToString(CultureInfo.InvariantCulture), "cmdline")) is { Length: > 0 } raw
            ? string.Join(' ', raw.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            : null;

    /// <summary>This boot's id: a pid file from an earlier boot names nobody.</summary>
    public string? BootId() => Read(Path.Combine(root, "sys", "kernel", "random", "boot_id"))?.Trim();

    /// <summary>Every LISTEN socket on <paramref name="port"/>, with its holder where visible.</summary>
    public IReadOnlyList<PortHolder> Listeners(int port)
    {
        var sockets = new List<(string Address, int Uid, long Inode)>();
        foreach (var table in new[] { "tcp", "tcp6" })
            if (Read(Path.Combine(root, "net", table)) is { } text) sockets.AddRange(ParseListening(text, port));
        if (sockets.Count == 0) return [];
        var owners = Owners(sockets.Select(s => s.Inode).ToHashSet());
        return sockets.Select(s =>
        {
            var pid = owners.GetValueOrDefault(s.Inode);
            var stat = pid > 0 ? Stat(pid) : null;
            return new PortHolder(s.Address, s.Uid, stat, stat is null ? null : CommandLine(pid));
        }).ToList();
    }

    /// <summary>The LISTEN sockets on <paramref name="port"/> in one table's text (malformed lines are skipped).</summary>
    public static IEnumerable<(string Address, int Uid, long Inode)> ParseListening(string text, int port) =>
        ProcNetTcp.ParseListening(text).Where(s => s.Port == port).Select(s => (s.Address, s.Uid, s.Inode));

    private Dictionary<long, int> Owners(HashSet<long> inodes)
    {
        var owners = new Dictionary<long, int>();
        foreach (var pid in Pids())
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(root, pid.ToString(CultureInfo.InvariantCulture), "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !target.EndsWith(']')) continue;
                    if (long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                        && inodes.Contains(inode))
                        owners.TryAdd(inode, pid);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            if (owners.Count == inodes.Count) break;
        }
        return owners;
    }

    private IEnumerable<int> Pids()
    {
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories(root).ToList(); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (var dir in dirs)
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) yield return pid;
    }

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
