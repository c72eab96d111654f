using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Testing;

/// <summary>A real <c>redis-server</c> on a free loopback port, without persistence, stopped on dispose.
/// scripts/test.sh installs Debian's redis-server package when it is missing.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The <c>redis://</c> URL of the server.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    /// <summary>The redis-server binary, or null when it is not installed.</summary>
    public static string? Binary => new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Starts a server and waits until it answers <c>PING</c>.</summary>
    /// <param name="port">The port (a free one when null), for tests that point a client at Redis before it runs.</param>
    /// <exception cref="InvalidOperationException">redis-server is not installed or exited at start.</exception>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var binary = Binary ?? throw new InvalidOperationException("redis-server is not installed (scripts/test.sh installs it: apt-get install -y redis-server)");
        port ??= Loopback.FreePort();
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // --dir: even without persistence redis may write there; a temp dir keeps it out of the test's working directory.
        foreach (var a in new[] { "--port", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", TempDir.Create() })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Drained so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port.Value);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"redis-server exited with {process.ExitCode}");
            try
            {
                // PING rather than a bare connect: redis accepts connections before it is ready to serve them.
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port.Value);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var n = await stream.ReadAsync(buffer);
                if (System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return server;
            }
            catch (SocketException) { }
            catch (IOException) { }
            await Task.Delay(50);
        }
        await server.DisposeAsync();
        throw new TimeoutException("redis-server did not answer PING");
    }

    /// <summary>Kills the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
