namespace Switchyard.Server.Tests.Topology;

/// <summary><c>yard topology</c>'s components: the bus server, this replica, and the supervisor and Redis when configured.</summary>
public sealed class TopologyComponentsTests
{
    [Fact]
    public async Task The_supervisor_and_redis_are_components_and_redis_credentials_are_not_shown()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Redis = $"redis://:hunter2@127.0.0.1:{redis.Port}";
            o.SupervisorUrl = "http://127.0.0.1:9999";
        });

        var topology = await Eventually.GetAsync(async () =>
        {
            var t = await server.GetAsync("/v1/topology");
            return t["components"]!.AsArray().Any(c => c!["kind"]!.GetValue<string>() == "replica") ? t : null;
        }, "this replica's first heartbeat");

        var components = topology["components"]!.AsArray().ToDictionary(c => c!["kind"]!.GetValue<string>(), c => c!);
        Assert.Equal("http://127.0.0.1:9999", components["supervisor"]["address"]!.GetValue<string>());
        Assert.Equal(9999, components["supervisor"]["port"]!.GetValue<int>());
        Assert.Equal($"redis://127.0.0.1:{redis.Port}", components["redis"]["address"]!.GetValue<string>());
        Assert.Equal("live", components["replica"]["state"]!.GetValue<string>());
        Assert.Equal(server.Url.Port, components["replica"]["port"]!.GetValue<int>());
        Assert.DoesNotContain("hunter2", topology.ToJsonString(), StringComparison.Ordinal);
    }
}
