using System.Diagnostics;

namespace Switchyard.Supervisor.Tests.Infrastructure;

/// <summary>The built <c>yard</c> (Switchyard.Cli), run as a real process.</summary>
public static class YardCli
{
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

    /// <summary>Starts <c>yard ARGS</c> with stdout and stderr redirected (so the CLI prints JSON).</summary>
    public static Process Start(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>Runs <c>yard ARGS</c> to completion.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
