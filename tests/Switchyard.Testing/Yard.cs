using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Switchyard.Testing;

/// <summary>Runs the real <c>yard</c> binary (the built Switchyard.Cli) as a child process. A test project that uses
/// it references Switchyard.Cli so that yard.dll is built. stdout is never a terminal here, so commands print their
/// JSON envelope.</summary>
public static class Yard
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The built yard.dll of the configuration the tests were built in.</summary>
    /// <exception cref="InvalidOperationException">The repository root or the dll is not found.</exception>
    public static string Dll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("repository root not found");
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(dir.FullName, "src", "Switchyard.Cli", "bin", config, "net10.0", "yard.dll");
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} not built");
            return dll;
        }
    }

    /// <summary>The start info for <c>yard ARGS</c>, with stdout and stderr redirected.</summary>
    /// <param name="workingDirectory">Where the command runs (a fresh temporary directory when null, so a config file
    /// the command looks for is never picked up from the test's output folder).</param>
    /// <param name="environment">Variables to set (a null value removes one).</param>
    /// <param name="args">The command line after <c>yard</c>.</param>
    public static ProcessStartInfo StartInfo(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? TempDir.Create(),
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test's own environment must not pick a role for the child.
        psi.Environment.Remove("SWITCHYARD_ROLE");
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>The start info for <c>yard ARGS</c> in a fresh temporary directory.</summary>
    public static ProcessStartInfo StartInfo(params string[] args) => StartInfo(null, null, args);

    /// <summary>Starts <c>yard ARGS</c> in <paramref name="workingDirectory"/>; the caller reads its output.</summary>
    public static Process Start(string workingDirectory, params string[] args) => Process.Start(StartInfo(workingDirectory, null, args))!;

    /// <summary>Runs <c>yard ARGS</c> to completion in a fresh temporary directory.</summary>
    public static Task<YardRun> RunAsync(params string[] args) => RunInAsync(null, args);

    /// <summary>Runs <c>yard ARGS</c> to completion in <paramref name="workingDirectory"/>.</summary>
    /// <exception cref="TimeoutException">The command ran longer than a minute (it is killed).</exception>
    public static async Task<YardRun> RunInAsync(string? workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, null, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(RunTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"yard {string.Join(' ', args)} ran longer than {RunTimeout.TotalSeconds} s");
        }
        return new YardRun(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>yard ARGS</c> and parses its JSON envelope.</summary>
    public static async Task<(int ExitCode, JsonObject Envelope, string Stderr)> RunJsonAsync(params string[] args)
    {
        var run = await RunAsync(args);
        return (run.ExitCode, run.Envelope, run.Stderr);
    }
}

/// <summary>The outcome of one <c>yard</c> command.</summary>
/// <param name="Args">The command line after <c>yard</c>.</param>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Stdout">Everything printed to stdout.</param>
/// <param name="Stderr">Everything printed to stderr.</param>
public sealed record YardRun(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>stdout parsed as the CLI's JSON envelope.</summary>
    /// <exception cref="InvalidOperationException">stdout is not a JSON object; the message shows both streams.</exception>
    public JsonObject Envelope
    {
        get
        {
            try { return JsonNode.Parse(Stdout)!.AsObject(); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
            {
                throw new InvalidOperationException($"yard {string.Join(' ', Args)} printed no envelope (exit {ExitCode}): {Stdout} {Stderr}", e);
            }
        }
    }

    /// <summary>Deconstructs into exit code, stdout and stderr.</summary>
    public void Deconstruct(out int exitCode, out string stdout, out string stderr) => (exitCode, stdout, stderr) = (ExitCode, Stdout, Stderr);
}
