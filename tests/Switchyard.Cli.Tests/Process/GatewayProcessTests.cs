using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests.Process;

/// <summary><c>yard gateway channels</c> and <c>yard gateway unmute</c> against a gateway daemon started as a
/// <c>yard gateway</c> process (a file channel needs no chat platform) connected to the shared server.</summary>
[Collection(CliCollection.Name)]
public sealed class GatewayProcessTests(CliFixture fx)
{
    [Fact]
    public async Task Channels_lists_the_channel_and_unmute_sends_to_a_muted_one_again()
    {
        var dir = TempDir.Create();
        var file = Path.Combine(dir, "gateway.toml");
        await File.WriteAllTextAsync(file, $"""
            [gateway]
            server_url = "{fx.Url}"
            port = 0

            [channels.ops]
            type = "file"
            path = "notifications.jsonl"
            """);
        using var daemon = System.Diagnostics.Process.Start(Yard.StartInfo(dir, environment: null, "gateway", "--config", file))!;
        try
        {
            var started = JsonNode.Parse((await daemon.StandardOutput.ReadLineAsync())!)!;
            Assert.True(started["ok"]!.GetValue<bool>(), started.ToJsonString());
            var url = started["result"]!["url"]!.GetValue<string>();

            var ops = Channel(await GatewayOkAsync("gateway channels", url));
            Assert.Equal("file", ops["type"]!.GetValue<string>());
            Assert.False(ops["muted"]?.GetValue<bool>() ?? false, ops.ToJsonString());

            await GatewayOkAsync("gateway mute", url, "ops", "--reason", "maintenance");
            Assert.True(Channel(await GatewayOkAsync("gateway channels", url))["muted"]!.GetValue<bool>());

            Assert.True((await GatewayOkAsync("gateway unmute", url, "ops"))["result"]!["wasMuted"]!.GetValue<bool>());
            Assert.False(Channel(await GatewayOkAsync("gateway channels", url))["muted"]?.GetValue<bool>() ?? false);
            // Unmuting again is harmless and says there was nothing to do.
            Assert.False((await GatewayOkAsync("gateway unmute", url, "ops"))["result"]!["wasMuted"]!.GetValue<bool>());

            var unknown = await Yard.RunAsync("gateway", "unmute", "nope", "--json", "--url", url);
            Assert.Equal(1, unknown.ExitCode);
            Assert.Equal("unknown_channel", unknown.Envelope["error"]!["code"]!.GetValue<string>());
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }
    }

    private static JsonNode Channel(JsonObject envelope) =>
        envelope["result"]!["channels"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "ops")!;

    private static Task<JsonObject> GatewayOkAsync(string command, string url, params string[] args) => CliFixture.OkAsync(command, args, "--url", url);
}
