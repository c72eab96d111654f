using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>The unmodified inngest JS app under <c>app/</c>, run with node on a loopback port. Its dependencies are
/// installed once with <c>npm ci</c> into <c>app/node_modules</c> (kept between runs; gitignored).</summary>
public sealed class NodeApp : IAsyncDisposable
{
    /// <summary>The inngest version the app pins; node_modules holding another version is reinstalled.</summary>
    public const string InngestVersion = "4.24.0";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private NodeApp(Process process, ConcurrentQueue<string> output, Uri serveUrl)
    {
        _process = process;
        _output = output;
        ServeUrl = serveUrl;
    }

    /// <summary>The app's serve endpoint, <c>http://127.0.0.1:&lt;port&gt;/api/inngest</c>.</summary>
    public Uri ServeUrl { get; }

    /// <summary>What the app printed so far (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join("\n", _output);

    /// <summary>The folder of the JS app in the source tree: <c>app/</c> next to this project's file, found by
    /// walking up from the test binaries.</summary>
    public static string AppDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.Compat.Tests.csproj")))
                return Path.Combine(dir.FullName, "app");
        }
        throw new InvalidOperationException($"no Switchyard.Compat.Tests.csproj above {AppContext.BaseDirectory}");
    }

    /// <summary>Installs the app's packages unless the pinned inngest is already there.</summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (_installed) return;
            var dir = AppDirectory();
            var manifest = Path.Combine(dir, "node_modules", "inngest", "package.json");
            if (!File.Exists(manifest) || (string?)JsonNode.Parse(await File.ReadAllTextAsync(manifest, cancellationToken))?["version"] != InngestVersion)
            {
                // Install scripts are not needed by inngest or its dependencies (one of them only prints a notice).
                var (code, output) = await RunAsync("npm", "ci --ignore-scripts --no-audit --no-fund --loglevel=error", dir, TimeSpan.FromMinutes(5), cancellationToken);
                if (code != 0) throw new InvalidOperationException($"npm ci failed ({code}) in {dir}:\n{output}");
            }
            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Starts <c>node server.js</c> with <paramref name="environment"/> (on top of this process's
    /// environment without any <c>INNGEST_*</c> variable) and waits until it listens.</summary>
    public static async Task<NodeApp> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        var info = new ProcessStartInfo("node", "server.js")
        {
            WorkingDirectory = AppDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("INNGEST_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["PORT"] = "0";

        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.StartsWith("listening on ", StringComparison.Ordinal) && int.TryParse(e.Data["listening on ".Length..], out var port))
                listening.TrySetResult(port);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) output.Enqueue(e.Data);
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"node exited with {process.ExitCode}:\n{string.Join("\n", output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return new NodeApp(process, output, new Uri($"http://127.0.0.1:{port}/api/inngest"));
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop(_process);
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments, string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
