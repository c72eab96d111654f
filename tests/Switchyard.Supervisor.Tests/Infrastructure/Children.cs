using System.Diagnostics;

namespace Switchyard.Supervisor.Tests.Infrastructure;

/// <summary>Child programs the tests supervise, written into a test's directory.</summary>
public static class Children
{
    private static readonly Lazy<string> PythonPath = new(() =>
    {
        // The pyenv shim is a shell script that costs ~100 ms per start; the real interpreter does not.
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys; print(sys.executable)");
        using var p = Process.Start(psi)!;
        var path = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return File.Exists(path) ? path : "python3";
    });

    /// <summary>The python3 interpreter.</summary>
    public static string Python => PythonPath.Value;

    /// <summary>An HTTP server on 127.0.0.1:PORT (argv[1]): <c>GET /health</c> answers 200 while the file
    /// <c>healthy</c> exists in its working directory, else 503; <c>PUT</c> answers 200 and appends to <c>synced</c>.</summary>
    public static string WriteServer(string dir)
    {
        var path = Path.Combine(dir, "server.py");
        File.WriteAllText(path, """
            import http.server, os, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    ok = os.path.exists("healthy")
                    self.send_response(200 if ok else 503)
                    self.end_headers()
                    self.wfile.write(b"ok" if ok else b"unhealthy")
                def do_PUT(self):
                    with open("synced", "a") as f:
                        f.write("put\n")
                    self.send_response(200)
                    self.end_headers()
                def log_message(self, *args):
                    pass
            print("listening", sys.argv[1], flush=True)
            http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
            """);
        File.WriteAllText(Path.Combine(dir, "healthy"), "");
        return path;
    }

    /// <summary>A process unrelated to any supervisor, listening on <paramref name="port"/>.</summary>
    public static Process StartStranger(int port)
    {
        var psi = new ProcessStartInfo(Python) { UseShellExecute = false, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"import socket,time,sys\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(300)");
        var p = Process.Start(psi)!;
        Assert.Equal("up", p.StandardOutput.ReadLine());
        return p;
    }

    /// <summary>True while a process with that pid exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    /// <summary>Live processes whose session or process group is <paramref name="id"/>.</summary>
    public static IReadOnlyList<int> SessionMembers(int id)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (f[0] is "Z" or "X") continue;
                if (f[2] == id.ToString(System.Globalization.CultureInfo.InvariantCulture) || f[3] == id.ToString(System.Globalization.CultureInfo.InvariantCulture)) members.Add(pid);
            }
            catch (IOException) { }
        }
        return members;
    }
}
