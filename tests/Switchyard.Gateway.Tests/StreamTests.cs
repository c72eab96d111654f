using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>The WebSocket stream: session notifications with routing, bus events by prefix, run status changes.</summary>
public sealed class StreamTests
{
    [Fact]
    public async Task Notifications_go_to_their_origin_session_and_the_central_one_but_alerts_only_to_the_central_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, """
            [channels.dev]
            type = "file"
            """);
        await using var central = await StreamListener.ConnectAsync(gateway, "topic=session:gateway");
        await using var agent = await StreamListener.ConnectAsync(gateway, "session=agent-7");
        Assert.Contains("agent-7", (await gateway.HealthAsync())["sessions"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(2, (await gateway.HealthAsync())["streamClients"]!.GetValue<int>());

        await server.SendOneAsync(Platforms.Notify("progress", "tests are green", "c-s1", session: "agent-7"));
        var mine = await agent.NextAsync(m => m["type"]!.GetValue<string>() == "notification");
        Assert.Equal("session:agent-7", mine["topic"]!.GetValue<string>());
        Assert.Equal("tests are green", mine["data"]!["text"]!.GetValue<string>());
        Assert.Equal("tests are green", (await central.NextAsync(m => m["type"]!.GetValue<string>() == "notification"))["data"]!["text"]!.GetValue<string>());
        var receipt = await server.WaitForReceiptAsync("c-s1");
        Assert.Equal(["gateway", "agent-7"], receipt["data"]!["sessions"]!.AsArray().Select(s => s!.GetValue<string>()));

        await server.SendOneAsync(Platforms.Notify("alert", "disk full", "c-s2", session: "agent-7"));
        Assert.Equal("disk full", (await central.NextAsync(m => m["type"]!.GetValue<string>() == "notification"))["data"]!["text"]!.GetValue<string>());
        await server.WaitForReceiptAsync("c-s2");
        await Task.Delay(300);
        Assert.DoesNotContain(agent.Drain(), m => m["type"]!.GetValue<string>() == "notification");
    }

    [Fact]
    public async Task Clients_receive_bus_events_by_prefix_and_run_status_changes()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, """
            [channels.dev]
            type = "file"
            """);
        await using var client = await StreamListener.ConnectAsync(gateway, "topic=events:demo/");
        await client.SendAsync("""{"op":"subscribe","topics":["runs:gateway-"]}""");
        var subscribed = await client.NextAsync(m => m["type"]!.GetValue<string>() == "subscribed");
        Assert.Contains("runs:gateway-", subscribed["data"]!["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        await client.SendAsync("""{"op":"subscribe","topics":["nonsense"]}""");
        Assert.Contains("unknown topic", (await client.NextAsync(m => m["type"]!.GetValue<string>() == "error"))["data"]!["message"]!.GetValue<string>());
        await Task.Delay(500); // the watcher's first poll sets its starting point

        await server.SendOneAsync(new { name = "other/thing", data = new { } });
        var id = await server.SendOneAsync(new { name = "demo/hello", data = new { name = "Ada" } });
        var e = await client.NextAsync(m => m["type"]!.GetValue<string>() == "event");
        Assert.Equal("event:demo/hello", e["topic"]!.GetValue<string>());
        Assert.Equal(id, e["data"]!["id"]!.GetValue<string>());

        await server.SendOneAsync(Platforms.Notify("progress", "x", "c-run"));
        var run = await client.NextAsync(m => m["type"]!.GetValue<string>() == "run" && m["data"]!["status"]!.GetValue<string>() == "Completed");
        Assert.Equal("run:gateway-deliver", run["topic"]!.GetValue<string>());
    }
}
