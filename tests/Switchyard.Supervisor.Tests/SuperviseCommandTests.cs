using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Supervisor.Processes;
using Switchyard.Supervisor.Tests.Infrastructure;

namespace Switchyard.Supervisor.Tests;

/// <summary><c>yard supervise</c> as a real process: status, SIGTERM, telemetry to the real bus server, and errors.</summary>
public sealed class SuperviseCommandTests
{
    [Fact]
    public async Task Sigterm_to_the_supervisor_stops_every_child_and_the_telemetry_reaches_the_server()
    {
        await using var server = await TestServer.StartAsync(logging: logging => logging.ClearProviders());
        var dir = TempDir.Create();
        Children.WriteServer(dir);
        var port = Loopback.FreePort();
        var statusPort = Loopback.FreePort();
        File.WriteAllText(Path.Combine(dir, "supervisor.toml"), $"""
            [supervisor]
            status_port = {statusPort}
            server_url = "{server.Url}"
            # Telemetry is best-effort with a 2 s post timeout: on a loaded machine the first batch could be dropped.
            telemetry_timeout = "30s"

            [services.web]
            command = "bash"
            # A background job in the child's session: it must go too.
            args = ["-c", "sleep 300 & exec {Children.Python} server.py {port}"]
            port = {port}
            liveness_url = "http://127.0.0.1:{port}/health"
            health_interval = "200ms"
            stop_timeout = "3s"
            """);

        using var yard = Yard.Start(dir, "supervise", "--config", "supervisor.toml");
        var childPid = 0;
        try
        {
            var envelope = JsonNode.Parse((await yard.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!)!;
            Assert.True(envelope["ok"]!.GetValue<bool>(), envelope.ToJsonString());
            var statusUrl = envelope["result"]!["status"]!.GetValue<string>();
            Assert.Equal($"http://127.0.0.1:{statusPort}", statusUrl);

            using var http = new HttpClient { BaseAddress = new Uri(statusUrl), Timeout = TimeSpan.FromSeconds(5) };
            JsonNode? web = null;
            await Eventually.WaitUntilAsync(() =>
            {
                web = JsonNode.Parse(http.GetStringAsync("/status").GetAwaiter().GetResult())!["services"]![0];
                return web!["state"]!.GetValue<string>() == "Healthy";
            }, TimeSpan.FromSeconds(15), "web Healthy");
            childPid = web!["pid"]!.GetValue<int>();
            Assert.Equal("ok", JsonNode.Parse(await http.GetStringAsync("/health"))!["status"]!.GetValue<string>());

            var (code, stdout, stderr) = await Yard.RunInAsync(dir, "supervise", "status", "--url", statusUrl, "--json");
            Assert.True(code == 0, stderr);
            var status = JsonNode.Parse(stdout)!;
            Assert.Equal("supervise status", status["command"]!.GetValue<string>());
            Assert.Equal("Healthy", status["result"]!["services"]![0]!["state"]!.GetValue<string>());
            Assert.Equal(childPid, status["result"]!["services"]![0]!["pid"]!.GetValue<int>());

            // `status` also finds the endpoint from --config alone.
            var (code2, stdout2, _) = await Yard.RunInAsync(dir, "supervise", "status", "--config", "supervisor.toml", "--json");
            Assert.Equal(0, code2);
            Assert.Equal(childPid, JsonNode.Parse(stdout2)!["result"]!["services"]![0]!["pid"]!.GetValue<int>());

            await Eventually.WaitUntilAsync(() => Children.SessionMembers(childPid).Count == 2, TimeSpan.FromSeconds(5), "python and its sibling sleep");
            Assert.True(File.Exists(Path.Combine(dir, ".yard", "supervisor", "web.pid")));

            Assert.True(Libc.Signal(yard.Id, Libc.SigTerm));
            await yard.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(0, yard.ExitCode);
            Assert.Empty(Children.SessionMembers(childPid));
            Assert.False(File.Exists(Path.Combine(dir, ".yard", "supervisor", "web.pid")));

            IReadOnlyList<string> actions = [];
            await Eventually.WaitUntilAsync(() =>
            {
                actions = server.SupervisorEventsAsync().GetAwaiter().GetResult().Select(e => e["action"]!.GetValue<string>()).ToList();
                return actions.Contains("supervisor.stopped");
            }, TimeSpan.FromSeconds(10), "supervisor.stopped at the server");
            Assert.Contains("supervisor.started", actions);
            Assert.Contains("supervisor.child.spawned", actions);
            Assert.Contains("supervisor.child.healthy", actions);
            Assert.Contains("supervisor.child.stopped", actions);
            var spawned = (await server.SupervisorEventsAsync()).First(e => e["action"]!.GetValue<string>() == "supervisor.child.spawned");
            Assert.Equal("web", spawned["component"]!.GetValue<string>());
        }
        finally
        {
            if (!yard.HasExited) yard.Kill(entireProcessTree: true);
            if (childPid > 0) Libc.SignalGroup(childPid, Libc.SigKill);
        }
    }

    [Fact]
    public async Task Errors_are_one_envelope_with_a_fix_and_a_non_zero_exit()
    {
        var dir = TempDir.Create();
        var missing = await Yard.RunInAsync(dir, "supervise", "--config", "nope.toml", "--json");
        Assert.Equal(1, missing.ExitCode);
        var envelope = JsonNode.Parse(missing.Stdout)!;
        Assert.Equal("config_not_found", envelope["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(envelope["fix"]);

        File.WriteAllText(Path.Combine(dir, "bad.toml"), "[services.web]\ncommand = \"x\"\nhelth_interval = 3\n");
        var bad = await Yard.RunInAsync(dir, "supervise", "--config", "bad.toml", "--json");
        Assert.Equal(1, bad.ExitCode);
        var badEnvelope = JsonNode.Parse(bad.Stdout)!;
        Assert.Equal("invalid_config", badEnvelope["error"]!["code"]!.GetValue<string>());
        Assert.Contains("services.web.helth_interval", badEnvelope["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var down = await Yard.RunInAsync(dir, "supervise", "status", "--url", $"http://127.0.0.1:{Loopback.FreePort()}", "--json");
        Assert.Equal(1, down.ExitCode);
        Assert.Equal("supervisor_unreachable", JsonNode.Parse(down.Stdout)!["error"]!["code"]!.GetValue<string>());
    }
}
