using Switchyard.Supervisor.Tests.Infrastructure;

namespace Switchyard.Supervisor.Tests;

/// <summary>Stopping a service sends SIGTERM to its process group and, after <c>stop_timeout</c>, SIGKILL.</summary>
public sealed class StopEscalationTests
{
    [Fact]
    public async Task A_child_ignoring_sigterm_is_killed_after_the_grace()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = TempDir.Create();
        // The ignored disposition is inherited by the sleeps, so nothing in the group exits on SIGTERM.
        await using var sup = await SupervisorHarness.StartAsync(dir, """
            [services.stubborn]
            command = "bash"
            args = ["-c", "trap '' TERM; echo ready; while true; do sleep 0.2; done"]
            stop_timeout = "1s"
            """);
        await sup.WaitForAsync("supervisor.child.spawned");
        var status = sup.Status("stubborn");
        var pid = status.Pid!.Value;
        await Eventually.WaitUntilAsync(() => File.ReadAllText(status.StdoutLog).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the trap to be set");

        await sup.StopAsync();

        Assert.Empty(Children.SessionMembers(pid));
        var stopped = Assert.Single(sup.Of("supervisor.child.stopped"));
        Assert.True(stopped.Metadata["forced"]!.GetValue<bool>(), "the stop must have needed SIGKILL");
        Assert.True(stopped.DurationMs >= 1000, $"SIGKILL came after {stopped.DurationMs} ms, before the 1 s grace");
        Assert.Contains($"stopped pid {pid} (", File.ReadAllText(status.StderrLog), StringComparison.Ordinal);
        Assert.Contains("with SIGKILL after 1 s", File.ReadAllText(status.StderrLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_that_exits_on_sigterm_is_not_killed()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = TempDir.Create();
        await using var sup = await SupervisorHarness.StartAsync(dir, """
            [services.polite]
            command = "sleep"
            args = ["300"]
            stop_timeout = "10s"
            """);
        await sup.WaitForAsync("supervisor.child.spawned");
        var pid = sup.Status("polite").Pid!.Value;

        await sup.StopAsync();

        Assert.Empty(Children.SessionMembers(pid));
        Assert.False(Assert.Single(sup.Of("supervisor.child.stopped")).Metadata["forced"]!.GetValue<bool>());
    }
}
