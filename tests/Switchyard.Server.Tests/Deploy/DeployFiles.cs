using System.Diagnostics;

namespace Switchyard.Server.Tests.Deploy;

/// <summary>The repository's <c>deploy/</c> folder, found by walking up from the test binaries, and a process runner
/// for the tools that check it (systemd-analyze, kubectl, node).</summary>
internal static class DeployFiles
{
    /// <summary>The repository root (where <c>Switchyard.slnx</c> is).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Switchyard.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no Switchyard.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary><c>deploy/</c> joined with <paramref name="parts"/>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoRoot(), "deploy", .. parts]);

    /// <summary>Runs <paramref name="file"/> and returns its exit code and output; fails the test when the tool is
    /// missing (scripts/test.sh installs it) or runs past <paramref name="timeout"/>.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"{file} is not installed (scripts/test.sh installs it): {e.Message}", e); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout ?? TimeSpan.FromSeconds(60)}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
