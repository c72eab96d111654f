using Switchyard.Supervisor.Configuration;

namespace Switchyard.Supervisor.Tests;

public sealed class ConfigTests
{
    private const string Full = """
        [supervisor]
        status_host = "127.0.0.1"
        status_port = 9998
        server_url = "http://127.0.0.1:8288"
        telemetry_token = "tok"
        telemetry_timeout = "1s"
        state_dir = "state"

        [services.host-worker]
        command = "dotnet"
        args = ["yard.dll", "worker", "--role", "host"]
        working_dir = "app"
        env_file = "host.env"
        env = { SWITCHYARD_ROLE = "host", WORKERS = 4 }
        port = 3111
        liveness_url = "http://127.0.0.1:3111/health"
        sync_url = "http://127.0.0.1:3111/api/switchyard"
        preflight = ["dotnet", "build"]
        preflight_timeout = "2m"
        health_interval = "15s"
        health_timeout = "2s"
        failures_before_restart = 4
        startup_timeout = "00:01:30"
        restart_backoff = "500ms"
        restart_backoff_max = "1m"
        startup_sync_delay = "2.5s"
        stop_timeout = "10s"
        port_retry_interval = "3s"
        stdout_log = "logs/out.log"
        stderr_log = "logs/err.log"
        log_max_bytes = 2048
        log_keep = 2
        """;

    [Fact]
    public void Every_key_is_read_and_paths_resolve_against_the_file()
    {
        var c = SupervisorConfigLoader.Parse(Full, "/etc/yard", "/etc/yard/supervisor.toml");
        Assert.Equal(9998, c.StatusPort);
        Assert.Equal("tok", c.TelemetryToken);
        Assert.Equal(TimeSpan.FromSeconds(1), c.TelemetryTimeout);
        Assert.Equal("/etc/yard/state", c.StateDirectory);
        var s = Assert.Single(c.Services);
        Assert.Equal("host-worker", s.Name);
        Assert.Equal(["yard.dll", "worker", "--role", "host"], s.Args);
        Assert.Equal("/etc/yard/app", s.WorkingDirectory);
        Assert.Equal("/etc/yard/host.env", s.EnvFile);
        Assert.Equal("4", s.Environment["WORKERS"]);
        Assert.Equal(3111, s.Port);
        Assert.Equal("/api/switchyard", s.SyncUrl!.AbsolutePath);
        Assert.Equal(["dotnet", "build"], s.Preflight!);
        Assert.Equal(TimeSpan.FromMinutes(2), s.PreflightTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), s.HealthInterval);
        Assert.Equal(4, s.FailuresBeforeRestart);
        Assert.Equal(TimeSpan.FromSeconds(90), s.StartupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.RestartBackoff);
        Assert.Equal(TimeSpan.FromMinutes(1), s.RestartBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(2.5), s.StartupSyncDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), s.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), s.PortRetryInterval);
        Assert.Equal("/etc/yard/logs/out.log", s.StdoutLog);
        Assert.Equal(2048, s.LogMaxBytes);
        Assert.Equal(2, s.LogKeep);
    }

    [Fact]
    public void Defaults_follow_the_original_supervisor()
    {
        var c = SupervisorConfigLoader.Parse("[services.w]\ncommand = \"run\"\npreflight = \"make check\"\n", "/srv");
        Assert.Equal(9999, c.StatusPort);
        Assert.Equal("127.0.0.1", c.StatusHost);
        Assert.Equal(new Uri("http://127.0.0.1:8288"), c.ServerUrl);
        var s = c.Services[0];
        Assert.Equal(TimeSpan.FromSeconds(30), s.HealthInterval);
        Assert.Equal(3, s.FailuresBeforeRestart);
        Assert.Equal(TimeSpan.FromSeconds(1), s.RestartBackoff);
        Assert.Equal(TimeSpan.FromSeconds(30), s.RestartBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(5), s.StartupSyncDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), s.StopTimeout);
        Assert.Equal("/srv", s.WorkingDirectory);
        Assert.Equal(["/bin/sh", "-c", "make check"], s.Preflight!);
        Assert.Equal("/srv/.yard/supervisor/logs/w.out.log", s.StdoutLog);
        Assert.Null(s.LivenessUrl);
    }

    [Theory]
    [InlineData("[services.w]\ncommand = \"x\"\nhelth_interval = 3", "unknown key services.w.helth_interval")]
    [InlineData("[services.w]\nargs = []", "services.w.command is required")]
    [InlineData("[services.w]\ncommand = \"x\"\nport = 70000", "services.w.port must be an integer from 1 to 65535")]
    [InlineData("[services.w]\ncommand = \"x\"\nhealth_interval = \"soon\"", "services.w.health_interval must be a duration")]
    [InlineData("[services.w]\ncommand = \"x\"\nliveness_url = \"/health\"", "services.w.liveness_url must be an absolute http(s) URL")]
    [InlineData("[services.w]\ncommand = \"x\"\nliveness_url = \"http://a/x\"\nsync_url = \"http://a/x\"", "not the SDK endpoint")]
    [InlineData("[services.W]\ncommand = \"x\"", "service name 'W'")]
    [InlineData("[supervisor]\nstatus_port = 1", "no services")]
    [InlineData("[services.a]\ncommand = \"x\"\nport = 5\n[services.b]\ncommand = \"y\"\nport = 5", "port 5 is configured for a and b")]
    [InlineData("[services.w\ncommand = \"x\"", "not valid TOML")]
    public void Mistakes_are_errors_that_name_the_key(string toml, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SupervisorConfigLoader.Parse(toml, "/srv"));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_files_accept_export_quotes_and_comments()
    {
        var vars = EnvFile.Parse("""
            # a comment

            export A=1
            B = "two \"quoted\" words"
            C='single $HOME'
            D=bare value # trailing comment
            E=
            F="line\nbreak"
            """);
        Assert.Equal("1", vars["A"]);
        Assert.Equal("two \"quoted\" words", vars["B"]);
        Assert.Equal("single $HOME", vars["C"]);
        Assert.Equal("bare value", vars["D"]);
        Assert.Equal("", vars["E"]);
        Assert.Equal("line\nbreak", vars["F"]);
        Assert.Contains("line 2", Assert.Throws<InvalidDataException>(() => EnvFile.Parse("A=1\nnot a pair")).Message, StringComparison.Ordinal);
        Assert.Contains("unterminated", Assert.Throws<InvalidDataException>(() => EnvFile.Parse("A=\"open")).Message, StringComparison.Ordinal);
    }
}
