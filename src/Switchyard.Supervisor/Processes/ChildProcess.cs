using System.Diagnostics;
using Switchyard.Supervisor.Logs;

namespace Switchyard.Supervisor.Processes;

/// <summary>A spawned child: its own session (through <c>setsid</c>), stdin closed, stdout and stderr pumped into
/// rotating log files, and a task that completes with its exit code (128 + N when killed by signal N).</summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly Lazy<string?> Setsid = new(() => Which("setsid", Environment.GetEnvironmentVariable("PATH")));
    private readonly Process _process;

    private ChildProcess(Process process, ProcessGroup group, DateTimeOffset startedAt, string commandLine)
    {
        _process = process;
        Group = group;
        StartedAt = startedAt;
        CommandLine = commandLine;
        Exited = WaitAsync();
    }

    /// <summary>The child's pid.</summary>
    public int Pid => Group.Leader;

    /// <summary>The child and everything it started.</summary>
    public ProcessGroup Group { get; }

    /// <summary>When it was spawned.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The command line, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>Completes with the exit code when the child itself (not necessarily its group) has exited.</summary>
    public Task<int> Exited { get; }

    /// <summary>Spawns <paramref name="argv"/>. Throws <see cref="FileNotFoundException"/> when the program is not found,
    /// and what <see cref="Process.Start()"/> throws when it cannot be executed.</summary>
    public static ChildProcess Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        RotatingLogFile stdout, RotatingLogFile stderr, ProcFs proc, TimeProvider time)
    {
        var program = Resolve(argv[0], workingDirectory, environment.TryGetValue("PATH", out var path) ? path : Environment.GetEnvironmentVariable("PATH"))
            ?? throw new FileNotFoundException($"command '{argv[0]}' not found {(argv[0].Contains('/', StringComparison.Ordinal) ? $"(relative to {workingDirectory})" : "on PATH")}");
        if (!Directory.Exists(workingDirectory)) throw new DirectoryNotFoundException($"working directory {workingDirectory} does not exist");
        var setsid = Setsid.Value;
        var psi = new ProcessStartInfo(setsid ?? program)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (setsid is not null) psi.ArgumentList.Add(program);
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        var startedAt = time.GetUtcNow();
        // setsid execs in place (the child of a .NET process is no group leader), so the pid leads the new group.
        var ticks = proc.Stat(process.Id)?.StartTicks ?? 0;
        process.StandardInput.Close();
        Pump(process.StandardOutput.BaseStream, stdout);
        Pump(process.StandardError.BaseStream, stderr);
        return new ChildProcess(process, new ProcessGroup(process.Id, ticks, setsid is not null, proc, time), startedAt, string.Join(' ', argv));
    }

    /// <summary>The full path of <paramref name="command"/>: as given when it contains a slash (relative to the
    /// working directory), else the first executable match on <paramref name="path"/>.</summary>
    public static string? Resolve(string command, string workingDirectory, string? path)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(command, workingDirectory);
            return File.Exists(full) ? full : null;
        }
        return Which(command, path);
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    private static string? Which(string name, string? path)
    {
        foreach (var dir in (path ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                return candidate;
        }
        return null;
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    private static void Pump(Stream source, RotatingLogFile log) => _ = Task.Run(async () =>
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer)) > 0) log.Write(buffer.AsSpan(0, n));
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        finally { await source.DisposeAsync(); }
    });
}
