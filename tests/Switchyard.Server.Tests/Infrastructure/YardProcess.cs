using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>Runs the real <c>yard</c> binary (the built Switchyard.Cli) as a child process.</summary>
public sealed class YardProcess : IAsyncDisposable
{
    private readonly Process _process;

    private YardProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static string YardDll
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>yard dev</c> and waits until <c>/health</c> answers.</summary>
    public static async Task<YardProcess> StartDevAsync(string dataDir, int? port = null, params string[] extra)
    {
        var p = port ?? FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { YardDll, "dev", "--port", p.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDir }.Concat(extra)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var yard = new YardProcess(process, p);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"yard dev exited with {process.ExitCode}");
            try
            {
                using var r = await http.GetAsync(new Uri(yard.Url, "/health"));
                if (r.IsSuccessStatusCode) return yard;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("yard dev did not become healthy");
    }

    /// <summary>Runs a CLI command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(YardDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
