using System.Diagnostics;

namespace Switchyard.Worker.Shell;

/// <summary>Runs a command with <c>/bin/sh -c</c> in a process group of its own, captures its output within bounds,
/// and kills the whole group at the timeout or on cancellation. Never throws for a non-zero exit, a timeout or a
/// cancellation: those are <see cref="ShellResult"/>s.</summary>
/// <remarks>The command starts through <c>setsid</c> (util-linux): .NET cannot run <c>setpgid</c> between fork and
/// exec, and calling it from the parent after the start races with the command spawning children into the
/// worker's own group. The child of a .NET process is no group leader, so <c>setsid</c> calls <c>setsid(2)</c>
/// and execs in place: the shell's pid is its session and process-group id, and everything it starts stays in that
/// group unless it deliberately leaves it. A command owns its group: when the shell exits, what it left running
/// is stopped too, so no node outlives its result.</remarks>
public sealed class ShellRunner
{
    private const string Shell = "/bin/sh";

    /// <summary>How long to wait for output pipes to close once the group is gone; a process that left the group
    /// may keep them open, and its output is not waited for.</summary>
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private static readonly Lazy<string?> Setsid = new(FindSetsid);

    private readonly TimeProvider _time;

    /// <summary>A runner on the system clock.</summary>
    public ShellRunner() : this(TimeProvider.System)
    {
    }

    /// <summary>A runner measuring durations and timeouts with <paramref name="time"/>.</summary>
    public ShellRunner(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Runs <paramref name="command"/> until it exits, its timeout passes or
    /// <paramref name="cancellationToken"/> fires; in the last two cases the process group is killed (SIGTERM,
    /// then SIGKILL after <see cref="ShellCommand.KillGrace"/>) before this returns.</summary>
    /// <exception cref="InvalidOperationException"><c>setsid</c> is not installed.</exception>
    public async Task<ShellResult> RunAsync(ShellCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = _time.GetTimestamp();
        if (command.WorkingDirectory is { } cwd && !Directory.Exists(cwd))
            return new ShellResult(127, "", false, 0, $"working directory {cwd} does not exist", false, false, 0);
        var setsid = Setsid.Value ?? throw new InvalidOperationException("setsid (util-linux) is not on PATH; shell commands need it to run in a process group of their own.");

        var psi = new ProcessStartInfo(setsid)
        {
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? "",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { Shell, "-c", command.Command }) psi.ArgumentList.Add(arg);
        foreach (var (name, value) in command.Environment) psi.Environment[name] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{setsid} did not start");
        var pgid = process.Id;
        // A command reading stdin gets end-of-file instead of waiting forever.
        process.StandardInput.Close();
        var stdout = new StreamCapture(Math.Max(0, command.MaxStdoutBytes), 0);
        var stderr = new StreamCapture(0, Math.Max(0, command.StderrTailBytes));
        using var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(stdout.PumpAsync(process.StandardOutput.BaseStream, drain.Token), stderr.PumpAsync(process.StandardError.BaseStream, drain.Token));

        using var timeout = command.Timeout is { } limit ? new CancellationTokenSource(limit, _time) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        bool timedOut = false, cancelled = false;
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            cancelled = cancellationToken.IsCancellationRequested;
            timedOut = !cancelled;
        }
        await StopGroupAsync(process, pgid, command.KillGrace);
        await process.WaitForExitAsync(CancellationToken.None);
        try
        {
            await pumps.WaitAsync(DrainWait, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            await drain.CancelAsync();
        }
        catch (IOException)
        {
            // The pipe broke: what was read is kept.
        }

        return new ShellResult(process.ExitCode, stdout.Head(), stdout.Truncated, stdout.Total, stderr.Tail(), timedOut, cancelled,
            (long)_time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>SIGTERM to the group, up to <paramref name="grace"/> for it to empty, then SIGKILL. The leader is also
    /// signalled by pid: for an instant after the start it has not yet left the worker's group.</summary>
    private async Task StopGroupAsync(Process process, int pgid, TimeSpan grace)
    {
        if (!Alive(process, pgid)) return;
        Signal(process, pgid, ProcessGroupSignals.SigTerm);
        var deadline = _time.GetTimestamp();
        while (Alive(process, pgid) && _time.GetElapsedTime(deadline) < grace) await Task.Delay(Poll, _time);
        if (Alive(process, pgid)) Signal(process, pgid, ProcessGroupSignals.SigKill);
    }

    // Zombies (killed children not yet reaped by their new parent) still answer signal 0; they are waited out until
    // the grace passes, and SIGKILL to them is harmless.
    private static bool Alive(Process process, int pgid) => !process.HasExited || ProcessGroupSignals.SignalGroup(pgid, 0);

    private static void Signal(Process process, int pgid, int signal)
    {
        ProcessGroupSignals.SignalGroup(pgid, signal);
        if (!process.HasExited) ProcessGroupSignals.SignalProcess(pgid, signal);
    }

    private static string? FindSetsid() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/bin")
            .Select(dir => Path.Combine(dir, "setsid"))
            .FirstOrDefault(File.Exists);
}
