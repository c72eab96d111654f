using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Ports;

/// <summary><c>yard ports</c> also checks the supervisor's status port, Redis and PostgreSQL when they are configured.</summary>
public sealed class PortsDependenciesCliTests
{
    [Fact]
    public async Task Supervisor_redis_and_postgres_ports_are_listed_with_their_holder_or_the_fix()
    {
        if (!OperatingSystem.IsLinux()) return;
        // This test process holds the "supervisor" port; Redis and PostgreSQL ports are free.
        using var supervisor = new TcpListener(IPAddress.Loopback, 0);
        supervisor.Start();
        var supervisorPort = ((IPEndPoint)supervisor.LocalEndpoint).Port;
        var redisPort = Loopback.FreePort();
        var postgresPort = Loopback.FreePort();
        var serverPort = Loopback.FreePort();
        var dir = TempDir.Create();
        await File.WriteAllTextAsync(Path.Combine(dir, "yard.toml"), $"""
            server_url = "http://127.0.0.1:{serverPort}"
            supervisor_url = "http://127.0.0.1:{supervisorPort}"
            redis = "redis://:secret@127.0.0.1:{redisPort}"
            store = "postgres://yard:pw@localhost:{postgresPort}/yard"
            """);

        var run = await Yard.RunInAsync(dir, "ports", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var ports = JsonNode.Parse(run.Stdout)!["result"]!["ports"]!.AsArray();
        JsonNode Port(int port) => ports.Single(p => p!["port"]!.GetValue<int>() == port)!;
        Assert.Equal("supervisor", Port(supervisorPort)["expected"]!["owner"]!.GetValue<string>());
        Assert.Equal("ok", Port(supervisorPort)["status"]!.GetValue<string>());
        Assert.Equal("redis", Port(redisPort)["expected"]!["owner"]!.GetValue<string>());
        Assert.Equal("not_listening", Port(redisPort)["status"]!.GetValue<string>());
        Assert.DoesNotContain("secret", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("postgresql", Port(postgresPort)["expected"]!["owner"]!.GetValue<string>());
        Assert.Contains("correct store", Port(postgresPort)["fix"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_on_another_host_is_a_note_not_a_port()
    {
        var dir = TempDir.Create();
        await File.WriteAllTextAsync(Path.Combine(dir, "yard.toml"), $"""
            server_url = "http://127.0.0.1:{Loopback.FreePort()}"
            redis = "redis.example.net:6380,password=x"
            """);

        var run = await Yard.RunInAsync(dir, "ports", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var result = JsonNode.Parse(run.Stdout)!["result"]!;
        Assert.Contains(result["notes"]!.AsArray(), n => n!.GetValue<string>() == "redis is on another host (redis.example.net:6380); not checked");
        Assert.DoesNotContain(result["ports"]!.AsArray(), p => p!["port"]!.GetValue<int>() == 6380);
    }
}
