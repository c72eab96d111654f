using Switchyard.Supervisor.Processes;
using System.Globalization;

namespace Switchyard.Cli.Ports;

/// <summary>Reads who listens on which TCP port from a Linux <c>/proc</c>: the LISTEN sockets of
/// <c>net/tcp</c> and <c>net/tcp6</c>, matched to processes through the <c>socket:[inode]</c> links under
/// <c>&lt;pid&gt;/fd</c>, with each process's <c>cmdline</c>. The root is a parameter so tests can use a fake tree.</summary>
public sealed class ProcListeners(string root = "/proc")
{
    /// <summary>True when the socket tables exist (Linux).</summary>
    public bool Available => File.Exists(Path.Combine(root, "net", "tcp"));

    /// <summary>Every listening socket, with its process where visible, ordered by port.</summary>
    public IReadOnlyList<PortListener> Read()
    {
        var sockets = new List<ListeningSocket>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var path = Path.Combine(root, "net", table);
            try { sockets.AddRange(ProcNetTcp.ParseListening(File.ReadAllText(path))); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var owners = Owners(sockets.Select(s => s.Inode).ToHashSet());
        return sockets
            .Select(s => new PortListener(s, owners.GetValueOrDefault(s.Inode)))
            .OrderBy(l => l.Socket.Port).ThenBy(l => l.Socket.Address, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The process holding each of <paramref name="inodes"/>, as far as this user can see.</summary>
    public IReadOnlyDictionary<long, SocketProcess> Owners(IReadOnlySet<long> inodes)
    {
        var owners = new Dictionary<long, SocketProcess>();
        if (inodes.Count == 0) return owners;
        IEnumerable<string> processes;
        try { processes = Directory.EnumerateDirectories(root).ToList(); }
        catch (IOException) { return owners; }
        catch (UnauthorizedAccessException) { return owners; }
        foreach (var dir in processes)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            SocketProcess? process = null;
            // Another user's fd directory is unreadable, and a process may exit mid-scan: both just leave sockets unowned.
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (SocketInode(new FileInfo(fd).LinkTarget) is not { } inode || !inodes.Contains(inode) || owners.ContainsKey(inode)) continue;
                    process ??= new SocketProcess(pid, Arguments(dir));
                    owners[inode] = process;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            if (owners.Count == inodes.Count) break;
        }
        return owners;
    }

    /// <summary>The inode of a <c>socket:[123]</c> link target, else null.</summary>
    public static long? SocketInode(string? linkTarget) =>
        linkTarget is not null && linkTarget.StartsWith("socket:[", StringComparison.Ordinal) && linkTarget.EndsWith(']')
        && long.TryParse(linkTarget.AsSpan(8, linkTarget.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            ? inode : null;

    private static string[] Arguments(string dir)
    {
        try
        {
            var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (args.Length > 0) return args;
            return [$"[{File.ReadAllText(Path.Combine(dir, "comm")).Trim()}]"];
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
