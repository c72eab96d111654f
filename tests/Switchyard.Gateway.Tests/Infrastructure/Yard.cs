using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>Runs the real <c>yard</c> binary (the built Switchyard.Cli) as a child process.</summary>
public static class Yard
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

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TempDir.Create() };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs a command to completion; stdout is not a terminal, so the CLI prints its JSON envelope.</summary>
    public static async Task<(int ExitCode, JsonObject Envelope, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var text = await stdout;
        JsonObject envelope;
        try { envelope = JsonNode.Parse(text)!.AsObject(); }
        catch (System.Text.Json.JsonException) { throw new InvalidOperationException($"yard {string.Join(' ', args)} printed no envelope: {text} {await stderr}"); }
        return (process.ExitCode, envelope, await stderr);
    }
}
