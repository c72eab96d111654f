using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests;

public sealed class ConfigTests
{
    [Fact]
    public void A_full_file_is_read_with_its_channels_routes_and_durations()
    {
        var config = GatewayConfigLoader.Parse("""
            [gateway]
            port = 4000
            server_url = "http://127.0.0.1:9000"
            event_key = "ek"
            redis_url = "redis://:pw@127.0.0.1:6390/2"
            digest_interval = "30m"
            lease_ttl = "20s"

            [channels.ops]
            type = "telegram"
            token = "1:abc"
            chat_id = -100123
            allow = [42, "43"]
            poll = true
            poll_timeout = "10s"

            [channels.log]
            type = "file"
            path = "out/notes.jsonl"

            [routes]
            alert = ["ops"]
            progress = { channels = ["ops", "log"], delivery = "digest" }
            """, "/srv/gw");

        Assert.Equal(4000, config.Port);
        Assert.Equal("ek", config.EventKey);
        Assert.Equal(TimeSpan.FromMinutes(30), config.DigestInterval);
        var ops = config.Channels[0];
        Assert.Equal("-100123", ops.ChatId);
        Assert.Equal(["42", "43"], ops.Allow);
        Assert.True(ops.Inbound);
        Assert.Equal(TimeSpan.FromSeconds(10), ops.PollTimeout);
        Assert.Equal("/srv/gw/out/notes.jsonl", config.Channels[1].Path);
        Assert.Equal(RouteDelivery.Digest, config.Routes["progress"].Delivery);
        Assert.Equal(["ops"], config.Routes["alert"].Channels);
        var redis = Switchyard.Gateway.State.RedisGatewayState.ParseUrl(config.RedisUrl!);
        Assert.Equal("pw", redis.Password);
        Assert.Equal(2, redis.DefaultDatabase);
    }

    [Theory]
    [InlineData("[gateway]\nprot = 1", "unknown key gateway.prot (did you mean port?)")]
    [InlineData("[channels.a]\ntype = \"telegram\"\nchat_id = 1", "channels.a.token is required")]
    [InlineData("[channels.a]\ntype = \"discord\"\nwebhook_url = \"http://x\"\ntoken = \"t\"", "unknown key channels.a.token: not a key of a discord channel")]
    [InlineData("[channels.a]\ntype = \"pigeon\"", "'pigeon' is not one of")]
    [InlineData("[channels.a]\ntype = \"console\"\n[routes]\nalert = [\"b\"]", "unknown channel 'b'")]
    [InlineData("[channels.a]\ntype = \"console\"\n[routes]\nalert = { channels = [\"a\"], delivery = \"digest\" }", "alerts are always immediate")]
    [InlineData("[routes]\nshout = []", "routes.shout: unknown kind")]
    [InlineData("[gateway]\ndigest_interval = \"soon\"", "must be a duration")]
    public void Mistakes_are_reported_with_the_key(string toml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => GatewayConfigLoader.Parse(toml, "/tmp"));
        Assert.Contains(expected, ex.Message);
    }
}
