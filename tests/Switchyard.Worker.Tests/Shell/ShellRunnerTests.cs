using Switchyard.Worker.Shell;

namespace Switchyard.Worker.Tests.Shell;

/// <summary><see cref="ShellRunner"/> against real processes: exit codes, bounded output, environment, and the
/// process group killed at the timeout and on cancellation, background children included.</summary>
public sealed class ShellRunnerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly ShellRunner _runner = new();

    [Fact]
    public async Task A_failing_command_returns_its_exit_code_and_the_tail_of_stderr()
    {
        var result = await _runner.RunAsync(new ShellCommand("echo out; echo first >&2; head -c 5000 /dev/zero | tr '\\0' x >&2; echo last-line >&2; exit 3")
        {
            StderrTailBytes = 100,
        });
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.False(result.TimedOut);
        Assert.False(result.Cancelled);
        Assert.Equal(100, result.StderrTail.Length);
        Assert.EndsWith("xxxlast-line\n", result.StderrTail);
        Assert.DoesNotContain("first", result.StderrTail);
    }

    [Fact]
    public async Task Stdout_is_captured_and_truncation_is_recorded_at_the_maximum()
    {
        var small = await _runner.RunAsync(new ShellCommand("printf 'hello\\nworld'"));
        Assert.Equal((0, "hello\nworld", false, 11L), (small.ExitCode, small.Stdout, small.StdoutTruncated, small.StdoutBytes));

        // Far more than a pipe buffer: the runner must keep reading after the limit, or the command would block.
        var large = await _runner.RunAsync(new ShellCommand("head -c 1000000 /dev/zero | tr '\\0' a") { MaxStdoutBytes = 1000, Timeout = Generous });
        Assert.Equal(0, large.ExitCode);
        Assert.False(large.TimedOut);
        Assert.True(large.StdoutTruncated);
        Assert.Equal(1_000_000, large.StdoutBytes);
        Assert.Equal(new string('a', 1000), large.Stdout);

        var exact = await _runner.RunAsync(new ShellCommand("printf 12345") { MaxStdoutBytes = 5 });
        Assert.False(exact.StdoutTruncated);
    }

    [Fact]
    public async Task The_command_sees_the_given_variables_on_top_of_the_workers_environment_in_its_directory()
    {
        var dir = TempDir.Create();
        var result = await _runner.RunAsync(new ShellCommand("printf '%s|%s|%s|%s' \"$DEP_BUILD\" \"$SWITCHYARD_ATTEMPT\" \"$(pwd)\" \"${PATH:+has-path}\"")
        {
            WorkingDirectory = dir,
            Environment = new Dictionary<string, string> { ["DEP_BUILD"] = "artifact.tar", ["SWITCHYARD_ATTEMPT"] = "2" },
        });
        Assert.Equal($"artifact.tar|2|{Path.GetFullPath(dir)}|has-path", result.Stdout);
    }

    [Fact]
    public async Task A_missing_working_directory_is_a_failed_result()
    {
        var result = await _runner.RunAsync(new ShellCommand("true") { WorkingDirectory = "/nonexistent/switchyard" });
        Assert.Equal(127, result.ExitCode);
        Assert.Contains("does not exist", result.StderrTail);
    }

    [Fact]
    public async Task The_timeout_kills_the_whole_process_group_including_a_background_child()
    {
        var dir = TempDir.Create();
        var pidFile = Path.Combine(dir, "child.pid");
        var result = await _runner.RunAsync(new ShellCommand($"sleep 300 & echo $! > '{pidFile}'; sleep 300")
        {
            Timeout = TimeSpan.FromSeconds(1),
        });
        Assert.True(result.TimedOut);
        Assert.False(result.Cancelled);
        Assert.NotEqual(0, result.ExitCode);
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.WaitUntilAsync(() => Gone(child), Generous, $"background child {child} to be killed");
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_group()
    {
        var dir = TempDir.Create();
        var pidFile = Path.Combine(dir, "child.pid");
        using var cancel = new CancellationTokenSource();
        var run = _runner.RunAsync(new ShellCommand($"sleep 300 & echo $! > '{pidFile}'; sleep 300"), cancel.Token);
        await Eventually.WaitUntilAsync(() => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0, Generous, "the command to start its child");
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Gone(child));

        await cancel.CancelAsync();
        var result = await run.WaitAsync(Generous);
        Assert.True(result.Cancelled);
        Assert.False(result.TimedOut);
        await Eventually.WaitUntilAsync(() => Gone(child), Generous, $"background child {child} to be killed");
    }

    /// <summary>No such process, or a zombie waiting to be reaped by whoever inherited it.</summary>
    internal static bool Gone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S …": the state follows the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
