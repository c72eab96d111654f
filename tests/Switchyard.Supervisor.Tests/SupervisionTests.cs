using System.Diagnostics;
using Switchyard.Supervisor.Processes;
using Switchyard.Supervisor.Tests.Infrastructure;

namespace Switchyard.Supervisor.Tests;

/// <summary>Supervision of real child processes: crash restarts with backoff, liveness restarts, preflight, the port
/// policy (strangers are never killed, our own orphans are reclaimed).</summary>
public sealed class SupervisionTests
{
    [Fact]
    public async Task A_crashing_child_is_restarted_with_growing_backoff()
    {
        var dir = TempDir.Create();
        await using var sup = await SupervisorHarness.StartAsync(dir, """
            [services.crasher]
            command = "bash"
            args = ["-c", "echo starting; echo boom >&2; exit 3"]
            restart_backoff = "100ms"
            restart_backoff_max = "800ms"
            """);

        await sup.WaitForAsync("supervisor.child.spawned", 6);

        Assert.All(sup.Of("supervisor.child.exited").Take(5), e => Assert.Equal(3, e.Metadata["exitCode"]!.GetValue<int>()));
        var backoffs = sup.Of("supervisor.restart.scheduled").Take(5).Select(e => e.Metadata["backoffMs"]!.GetValue<double>()).ToList();
        Assert.Equal([100, 200, 400, 800, 800], backoffs);
        var spawns = sup.Of("supervisor.child.spawned").Select(e => e.Timestamp).ToList();
        var gaps = spawns.Zip(spawns.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        // Timestamps are whole milliseconds from two clocks: allow a little slack below each backoff.
        Assert.True(gaps[0] >= 90 && gaps[1] >= 190 && gaps[2] >= 390 && gaps[3] >= 780 && gaps[4] >= 780, string.Join(", ", gaps));
        Assert.True(gaps[2] > gaps[0] && gaps[3] > gaps[1], string.Join(", ", gaps));

        var status = sup.Status("crasher");
        Assert.True(status.Restarts >= 5, $"restarts {status.Restarts}");
        Assert.Equal("supervisor.child.exited", status.LastFailure!.Action);
        Assert.Contains("exited with code 3", status.LastFailure.Reason, StringComparison.Ordinal);
        Assert.Contains("starting", File.ReadAllText(status.StdoutLog), StringComparison.Ordinal);
        Assert.Contains("boom", File.ReadAllText(status.StderrLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_that_stops_answering_its_liveness_url_is_restarted_after_three_failures()
    {
        var dir = TempDir.Create();
        Children.WriteServer(dir);
        var port = Loopback.FreePort();
        await using var sup = await SupervisorHarness.StartAsync(dir, $"""
            [services.web]
            command = "{Children.Python}"
            args = ["server.py", "{port}"]
            port = {port}
            liveness_url = "http://127.0.0.1:{port}/health"
            sync_url = "http://127.0.0.1:{port}/api/switchyard"
            startup_sync_delay = "200ms"
            health_interval = "150ms"
            health_timeout = "1s"
            restart_backoff = "100ms"
            stop_timeout = "2s"
            """);

        await sup.WaitForAsync("supervisor.child.healthy");
        await sup.WaitForAsync("supervisor.sync.ok");
        var first = sup.Status("web");
        Assert.Equal("Healthy", first.State);
        var pid = first.Pid!.Value;
        Assert.True(File.Exists(Path.Combine(dir, "synced")), "the sync URL was PUT after start");

        File.Delete(Path.Combine(dir, "healthy"));
        var restart = await sup.WaitForAsync("supervisor.health.restart");
        File.WriteAllText(Path.Combine(dir, "healthy"), "");

        var failed = sup.Of("supervisor.health.failed").Where(e => e.Metadata["pid"]!.GetValue<int>() == pid).ToList();
        Assert.Equal([1, 2, 3], failed.Select(e => e.Metadata["failures"]!.GetValue<int>()));
        Assert.Equal(pid, restart.Metadata["pid"]!.GetValue<int>());
        var stopped = await sup.WaitForAsync("supervisor.child.stopped");
        Assert.Equal(pid, stopped.Metadata["pid"]!.GetValue<int>());
        Assert.False(Children.Alive(pid));

        await sup.WaitForAsync("supervisor.child.healthy", 2);
        var second = sup.Status("web");
        Assert.NotEqual(pid, second.Pid);
        Assert.Equal(1, second.Restarts);
        Assert.Equal("supervisor.health.restart", second.LastFailure!.Action);
    }

    [Fact]
    public async Task A_failing_preflight_never_spawns_the_child()
    {
        var dir = TempDir.Create();
        await using var sup = await SupervisorHarness.StartAsync(dir, """
            [services.guarded]
            command = "bash"
            args = ["-c", "touch spawned; sleep 300"]
            preflight = "echo checking the build; exit 7"
            restart_backoff = "100ms"
            """);

        var failure = await sup.WaitForAsync("supervisor.preflight.failed", 3);

        Assert.Empty(sup.Of("supervisor.child.spawned"));
        Assert.False(File.Exists(Path.Combine(dir, "spawned")));
        Assert.Equal(7, failure.Metadata["exitCode"]!.GetValue<int>());
        Assert.Equal([100, 200], sup.Of("supervisor.restart.scheduled").Take(2).Select(e => e.Metadata["backoffMs"]!.GetValue<double>()));
        var status = sup.Status("guarded");
        Assert.Null(status.Pid);
        Assert.Equal("supervisor.preflight.failed", status.LastFailure!.Action);
        Assert.Contains("exited with code 7", status.LastFailure.Reason, StringComparison.Ordinal);
        Assert.Contains("checking the build", File.ReadAllText(status.StderrLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_held_by_a_stranger_is_reported_and_waited_for_never_killed()
    {
        var dir = TempDir.Create();
        Children.WriteServer(dir);
        var port = Loopback.FreePort();
        using var stranger = Children.StartStranger(port);
        try
        {
            await using var sup = await SupervisorHarness.StartAsync(dir, $"""
                [services.web]
                command = "{Children.Python}"
                args = ["server.py", "{port}"]
                port = {port}
                liveness_url = "http://127.0.0.1:{port}/health"
                health_interval = "200ms"
                port_retry_interval = "100ms"
                """);

            var held = await sup.WaitForAsync("supervisor.port.held");
            Assert.Equal(stranger.Id, held.Metadata["holders"]![0]!["pid"]!.GetValue<int>());
            Assert.Contains("never killed", held.Error, StringComparison.Ordinal);

            await Task.Delay(800); // several retries
            Assert.False(stranger.HasExited);
            Assert.True(Children.Alive(stranger.Id));
            Assert.Empty(sup.Of("supervisor.child.spawned"));
            Assert.Single(sup.Of("supervisor.port.held")); // reported once per holder, not once per retry
            var blocked = sup.Status("web");
            Assert.Equal("Blocked", blocked.State);
            Assert.Contains($"pid {stranger.Id}", blocked.LastFailure!.Reason, StringComparison.Ordinal);

            stranger.Kill();
            await stranger.WaitForExitAsync();
            await sup.WaitForAsync("supervisor.child.healthy");
            Assert.Single(sup.Of("supervisor.port.freed"));
        }
        finally
        {
            if (!stranger.HasExited) stranger.Kill();
        }
    }

    [Fact]
    public async Task The_port_held_by_its_own_previous_child_is_reclaimed()
    {
        var dir = TempDir.Create();
        Children.WriteServer(dir);
        var port = Loopback.FreePort();
        var proc = new ProcFs();

        // An orphan from a supervisor that died: its own session, recorded in the pid file.
        var psi = new ProcessStartInfo("setsid") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { Children.Python, "server.py", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        using var orphan = Process.Start(psi)!;
        try
        {
            Assert.StartsWith("listening", await orphan.StandardOutput.ReadLineAsync(), StringComparison.Ordinal);
            using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
            await gone.WaitForExitAsync();
            new PidFile(orphan.Id, proc.Stat(orphan.Id)!.StartTicks, true, proc.BootId(), "web", "python3 server.py", DateTimeOffset.UtcNow, gone.Id, 1)
                .Write(Path.Combine(dir, "state", "web.pid"));

            await using var sup = await SupervisorHarness.StartAsync(dir, $"""
                [services.web]
                command = "{Children.Python}"
                args = ["server.py", "{port}"]
                port = {port}
                liveness_url = "http://127.0.0.1:{port}/health"
                health_interval = "200ms"
                stop_timeout = "2s"
                """);

            var reclaimed = await sup.WaitForAsync("supervisor.port.reclaimed");
            Assert.Equal(orphan.Id, reclaimed.Metadata["pid"]!.GetValue<int>());
            await orphan.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            await sup.WaitForAsync("supervisor.child.healthy");
            Assert.NotEqual(orphan.Id, sup.Status("web").Pid);
            Assert.Empty(sup.Of("supervisor.port.held"));
        }
        finally
        {
            if (!orphan.HasExited) orphan.Kill();
        }
    }

    [Fact]
    public async Task A_service_whose_pid_file_belongs_to_another_live_supervisor_is_left_alone()
    {
        var dir = TempDir.Create();
        var port = Loopback.FreePort();
        using var other = Children.StartStranger(port); // stands in for both the other supervisor and its child
        try
        {
            var proc = new ProcFs();
            var ticks = proc.Stat(other.Id)!.StartTicks;
            new PidFile(other.Id, ticks, false, proc.BootId(), "web", "python3", DateTimeOffset.UtcNow, other.Id, ticks)
                .Write(Path.Combine(dir, "state", "web.pid"));

            await using var sup = await SupervisorHarness.StartAsync(dir, $"""
                [services.web]
                command = "bash"
                args = ["-c", "sleep 300"]
                port = {port}
                port_retry_interval = "100ms"
                """);

            var owned = await sup.WaitForAsync("supervisor.service.owned");
            Assert.Contains($"another running supervisor (pid {other.Id}", owned.Error, StringComparison.Ordinal);
            await Task.Delay(300);
            Assert.True(Children.Alive(other.Id));
            Assert.Equal("Blocked", sup.Status("web").State);
            Assert.Empty(sup.Of("supervisor.child.spawned"));
        }
        finally
        {
            if (!other.HasExited) other.Kill();
        }
    }

    [Fact]
    public async Task The_child_gets_the_env_file_and_its_background_jobs_stop_with_it()
    {
        var dir = TempDir.Create();
        File.WriteAllText(Path.Combine(dir, "app.env"), """
            # comment
            export PLAIN=one
            QUOTED="two words"
            SINGLE='three $NOT_EXPANDED'
            """);
        await using var sup = await SupervisorHarness.StartAsync(dir, """
            [services.envy]
            command = "bash"
            args = ["-c", "echo \"PLAIN=$PLAIN QUOTED=$QUOTED SINGLE=$SINGLE EXTRA=$EXTRA\"; sleep 300 & sleep 300"]
            env_file = "app.env"
            env = { EXTRA = "four" }
            stop_timeout = "2s"
            """);
        await sup.WaitForAsync("supervisor.child.spawned");
        var status = sup.Status("envy");
        Assert.Equal("Running", status.State);
        var pid = status.Pid!.Value;
        await Eventually.WaitUntilAsync(() => File.ReadAllText(status.StdoutLog).Contains("EXTRA=", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the child's output");
        Assert.Contains("PLAIN=one QUOTED=two words SINGLE=three $NOT_EXPANDED EXTRA=four", File.ReadAllText(status.StdoutLog), StringComparison.Ordinal);
        // bash may exec the last sleep itself: two or three processes.
        await Eventually.WaitUntilAsync(() => Children.SessionMembers(pid).Count >= 2, TimeSpan.FromSeconds(5), "bash and its sleeps");

        await sup.StopAsync();

        Assert.Empty(Children.SessionMembers(pid));
        Assert.Equal("Stopped", sup.Status("envy").State);
        Assert.False(File.Exists(Path.Combine(dir, "state", "envy.pid")));
    }
}
