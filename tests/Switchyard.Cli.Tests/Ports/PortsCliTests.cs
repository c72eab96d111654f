using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Cli.Tests.Ports;

/// <summary><c>yard ports</c> run as the real binary against a real <c>yard dev</c> process.</summary>
public sealed class PortsCliTests
{
    [Fact]
    public async Task Ports_names_the_yard_dev_process_as_the_bus_server()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var yard = await YardProcess.StartDevAsync(TempDir.Create());
        var port = yard.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, stdout, stderr) = await Yard.RunAsync("ports", port, "--json", "--server", yard.Url.ToString());

        Assert.True(code == 0, stderr + stdout);
        var result = JsonNode.Parse(stdout)!["result"]!;
        Assert.True(result["live"]!.GetValue<bool>());
        Assert.True(result["server"]!["reachable"]!.GetValue<bool>());
        var entry = Assert.Single(result["ports"]!.AsArray())!;
        Assert.Equal(yard.Port, entry["port"]!.GetValue<int>());
        Assert.Equal("bus server", entry["expected"]!["owner"]!.GetValue<string>());
        Assert.Equal("--server", entry["expected"]!["configuredBy"]!.GetValue<string>());
        Assert.Equal("ok", entry["status"]!.GetValue<string>());
        Assert.True(entry["matches"]!.GetValue<bool>());
        Assert.StartsWith("bus server ✓ (yard dev, pid ", entry["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var listener = entry["listeners"]!.AsArray().First(l => l!["pid"] is not null)!;
        Assert.Equal("dev", listener["yard"]!.GetValue<string>());
        Assert.Contains("yard.dll dev --port " + port, listener["command"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apps_ports_come_from_the_server_and_a_server_that_answers_health_is_accepted_whatever_its_process()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "portsapp", sdk => sdk.AddFunction<OneStep>());

        var (code, stdout, stderr) = await Yard.RunAsync("ports", "--json", "--server", server.Url.ToString());

        Assert.True(code == 0, stderr + stdout);
        var ports = JsonNode.Parse(stdout)!["result"]!["ports"]!.AsArray();
        var bus = ports.Single(p => p!["port"]!.GetValue<int>() == server.Url.Port)!;
        Assert.Equal("ok", bus["status"]!.GetValue<string>());
        Assert.Contains("answers /health as Switchyard", bus["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var appPort = ports.Single(p => p!["port"]!.GetValue<int>() == app.ServeUrl.Port)!;
        Assert.Equal("app portsapp", appPort["expected"]!["owner"]!.GetValue<string>());
        Assert.Equal("GET /v1/apps", appPort["expected"]!["configuredBy"]!.GetValue<string>());
        Assert.Equal("ok", appPort["status"]!.GetValue<string>());
        Assert.Contains(appPort["listeners"]!.AsArray(), l => l!["pid"]?.GetValue<int>() == Environment.ProcessId);
    }

    [Fact]
    public async Task Ports_of_a_stopped_server_say_nothing_listens_with_the_fix_and_still_answer()
    {
        var port = Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, stdout, stderr) = await Yard.RunAsync("ports", port, "--json", "--server", $"http://127.0.0.1:{port}");

        Assert.True(code == 0, stderr + stdout);
        var envelope = JsonNode.Parse(stdout)!;
        var result = envelope["result"]!;
        Assert.False(result["server"]!["reachable"]!.GetValue<bool>());
        var entry = Assert.Single(result["ports"]!.AsArray())!;
        Assert.Equal("not_listening", entry["status"]!.GetValue<string>());
        Assert.Equal($"yard dev --port {port}", entry["fix"]!.GetValue<string>());
        Assert.Contains(envelope["next_actions"]!.AsArray(), a => a!["command"]!.GetValue<string>() == $"yard dev --port {port}");
    }

    [Fact]
    public async Task A_port_out_of_range_is_an_error_envelope()
    {
        var (code, stdout, _) = await Yard.RunAsync("ports", "70000", "--json");
        Assert.Equal(1, code);
        Assert.Equal("invalid_port", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());
    }
}

/// <summary>A function for an app that only has to exist: <c>yard ports</c> reads the app's port from the server.</summary>
public sealed class OneStep : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("one-step").OnEvent("ports/one-step");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => await ctx.Step.RunAsync("work", () => "done");
}
