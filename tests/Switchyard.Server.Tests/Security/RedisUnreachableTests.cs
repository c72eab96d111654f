using System.Net;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 10: Redis is optional (pub/sub between replicas), so a server whose Redis is configured but
/// unreachable starts anyway, reports the redis component degraded in <c>/v1/status</c> (what <c>yard status</c>
/// shows), and keeps trying in the background; once Redis is up it connects and reports ok.</summary>
public sealed class RedisUnreachableTests
{
    [Fact]
    public async Task The_server_starts_degraded_and_recovers_when_redis_comes_up()
    {
        var port = Loopback.FreePort();
        await using var server = await Hostile.ProductionAsync(o => o.Redis = $"redis://127.0.0.1:{port}");
        Assert.Equal(HttpStatusCode.OK, (await Hostile.GetAsync(server.Http, "/health/ready")).Status);
        var degraded = await RedisLineAsync(server);
        Assert.Equal("degraded", degraded["status"]!.GetValue<string>());
        Assert.Contains("retrying", degraded["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Events still flow without Redis.
        Assert.Equal(HttpStatusCode.OK, (await Hostile.PostAsync(server.Http, "/e/event-key", """{"name":"redis/late"}""")).Status);

        await using var redis = await RedisServer.StartAsync(port);
        await Eventually.TrueAsync(async () => (await RedisLineAsync(server))["status"]!.GetValue<string>() == "ok",
            "the redis component to report ok after redis-server started", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
    }

    private static async Task<JsonNode> RedisLineAsync(TestServer server)
    {
        var status = Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/status", Hostile.ApiToken), "/v1/status");
        return status["components"]!.AsArray().Single(c => c!["component"]!.GetValue<string>() == "redis")!;
    }
}
