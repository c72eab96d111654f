using System.Diagnostics;
using System.Text;

namespace Switchyard.Testing;

/// <summary>A long-running <c>yard</c> child process (<c>yard dev</c>, <c>yard worker</c>) whose output is collected,
/// stopped with SIGTERM or SIGKILL by the test, and killed on dispose.</summary>
public sealed class YardProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    private YardProcess(Process process, int port)
    {
        Process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The child process.</summary>
    public Process Process { get; }

    /// <summary>The port given to <c>yard dev</c> (0 for other commands).</summary>
    public int Port { get; }

    /// <summary>The base URL of <c>yard dev</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>stdout and stderr so far, interleaved by line.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts <c>yard ARGS</c> with extra environment variables.</summary>
    public static YardProcess Start(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        new(Process.Start(Yard.StartInfo(null, environment, args))!, 0);

    /// <summary>Starts <c>yard dev</c> on <paramref name="dataDir"/> and waits until <c>/health</c> answers and it has
    /// printed its banner (ready).</summary>
    /// <param name="dataDir">The store directory (reuse it to restart on the same data).</param>
    /// <param name="port">A fixed port (a free one when null).</param>
    /// <param name="extra">More arguments for <c>yard dev</c>.</param>
    public static async Task<YardProcess> StartDevAsync(string dataDir, int? port = null, params string[] extra)
    {
        var p = port ?? Loopback.FreePort();
        string[] args = ["dev", "--port", p.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDir, .. extra];
        var yard = new YardProcess(Process.Start(Yard.StartInfo(null, null, args))!, p);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (yard.Process.HasExited) throw new InvalidOperationException($"yard dev exited with {yard.Process.ExitCode}: {yard.Output}");
                try
                {
                    using var r = await http.GetAsync(new Uri(yard.Url, "/health"));
                    // Ready is what a user sees: the banner (the JSON envelope, stdout not being a terminal), which comes
                    // after the dev workers and gateway are up and registered; /health answers before that.
                    return r.IsSuccessStatusCode && yard.Output.Contains("\"command\":\"dev\"", StringComparison.Ordinal);
                }
                catch (HttpRequestException) { return false; }
                catch (TaskCanceledException) { return false; }
            }, "yard dev to become healthy", TimeSpan.FromSeconds(60));
        }
        catch
        {
            await yard.DisposeAsync();
            throw;
        }
        return yard;
    }

    /// <summary>Waits for the process to exit (for commands that fail fast) and returns the exit code.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cts.Token);
        // The parameterless wait also flushes the asynchronous output readers.
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>SIGTERM, as a supervisor stops a child, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
            await kill.WaitForExitAsync();
        return await WaitAsync(timeout);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
