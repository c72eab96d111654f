using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Process;

/// <summary><c>yard dev --gateway</c> without a gateway.toml: notifications go to a console channel, and the banner
/// says so, instead of failing with "no channel to deliver to".</summary>
public sealed class DevGatewayTests
{
    [Fact]
    public async Task A_dev_gateway_without_channels_prints_notifications_to_the_console()
    {
        var dir = TempDir.Create();
        await using var dev = await YardProcess.StartDevAsync(Path.Combine(dir, "data"), null, "--gateway", "--gateway-port", "0");
        // Right after the banner: yard dev reports ready only once the gateway's delivery function is registered
        // (a notification sent before that would start no run).
        var (code, envelope, stderr) = await Yard.RunJsonAsync("notify", "send", "the build is green", "--wait", "--timeout", "30s", "--server", dev.Url.ToString());
        Assert.True(code == 0, $"{envelope.ToJsonString()} {stderr} {dev.Output}");
        Assert.Contains("gateway/delivery.confirmed", envelope.ToJsonString(), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(dev.Output.Contains("the build is green", StringComparison.Ordinal)), "the notification on the dev console");
    }
}
