using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary><c>yard gateway …</c> and <c>yard notify send</c> as an operator runs them: real processes, one JSON
/// envelope each (stdout is not a terminal), non-zero exit with a fix on error.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Notify_send_waits_for_the_receipt_and_the_gateway_commands_operate_a_running_gateway()
    {
        await using var server = await TestServer.StartAsync();
        await using var tg = await FakeTelegram.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, Platforms.Telegram(tg));
        var url = gateway.Url.ToString();

        var (code, sent, stderr) = await Yard.RunJsonAsync("notify", "send", "deploy finished", "--kind", "alert", "--wait", "--server", server.Url.ToString());
        Assert.True(code == 0, sent.ToJsonString() + stderr);
        Assert.True(sent["ok"]!.GetValue<bool>());
        Assert.Equal("confirmed", sent["result"]!["state"]!.GetValue<string>());
        Assert.Equal(Assert.Single(tg.Sent)["message_id"]!.ToString(), sent["result"]!["receipt"]!["platformMessageId"]!.GetValue<string>());
        Assert.StartsWith("yard trace ", sent["next_actions"]![0]!["command"]!.GetValue<string>());

        var (statusCode, status, _) = await Yard.RunJsonAsync("gateway", "status", "--url", url);
        Assert.Equal(0, statusCode);
        Assert.Equal("tg", status["result"]!["channels"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(1, status["result"]!["channels"]![0]!["sent"]!.GetValue<int>());

        Assert.Equal(0, (await Yard.RunJsonAsync("gateway", "sleep", "--for", "2h", "--url", url)).ExitCode);
        var (queuedCode, queued, _) = await Yard.RunJsonAsync("notify", "send", "later", "--wait", "--server", server.Url.ToString());
        Assert.Equal(0, queuedCode);
        Assert.Equal("queued", queued["result"]!["state"]!.GetValue<string>());
        var (_, woke, _) = await Yard.RunJsonAsync("gateway", "wake", "--url", url);
        Assert.Equal(1, woke["result"]!["items"]!.GetValue<int>());

        var (muteCode, mute, _) = await Yard.RunJsonAsync("gateway", "mute", "nope", "--reason", "x", "--url", url);
        Assert.Equal(1, muteCode);
        Assert.Equal("unknown_channel", mute["error"]!["code"]!.GetValue<string>());
        Assert.Contains("yard gateway channels", mute["fix"]!.GetValue<string>());

        tg.FailSends = int.MaxValue;
        var (failedCode, failed, _) = await Yard.RunJsonAsync("notify", "send", "nobody hears this", "--kind", "alert", "--wait", "--server", server.Url.ToString());
        Assert.Equal(1, failedCode);
        Assert.Equal("delivery_failed", failed["error"]!["code"]!.GetValue<string>());

        var (downCode, down, _) = await Yard.RunJsonAsync("gateway", "status", "--url", $"http://127.0.0.1:{Loopback.FreePort()}");
        Assert.Equal(1, downCode);
        Assert.Equal("gateway_unreachable", down["error"]!["code"]!.GetValue<string>());
        Assert.Contains("yard gateway", down["fix"]!.GetValue<string>());
    }

    [Fact]
    public async Task Yard_gateway_runs_the_daemon_from_a_config_file_and_stream_prints_it_live()
    {
        await using var server = await TestServer.StartAsync();
        var dir = TempDir.Create();
        var file = Path.Combine(dir, "gateway.toml");
        await File.WriteAllTextAsync(file, $"""
            [gateway]
            server_url = "{server.Url}"
            port = 0

            [channels.dev]
            type = "file"
            path = "notifications.jsonl"
            """);
        using var daemon = Process.Start(Yard.StartInfo("gateway", "--config", file))!;
        try
        {
            var envelope = JsonNode.Parse((await daemon.StandardOutput.ReadLineAsync())!)!;
            Assert.True(envelope["ok"]!.GetValue<bool>());
            var url = envelope["result"]!["url"]!.GetValue<string>();
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal("dev", (await http.GetFromJsonAsync<JsonObject>("/health"))!["channels"]![0]!["name"]!.GetValue<string>());
            await Eventually.TrueAsync(async () => (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Any(f => f!["id"]!.GetValue<string>() == "gateway-deliver"),
                "the gateway's functions to register");

            using var stream = Process.Start(Yard.StartInfo("gateway", "stream", "--topic", "gateway", "--url", url))!;
            try
            {
                var ready = JsonNode.Parse((await stream.StandardOutput.ReadLineAsync())!)!;
                Assert.Equal("ready", ready["type"]!.GetValue<string>());
                await server.SendOneAsync(Platforms.Notify("progress", "from the daemon", "c-daemon"));
                var line = await Eventually.GetAsync(async () =>
                {
                    var m = JsonNode.Parse((await stream.StandardOutput.ReadLineAsync())!)!;
                    return m["data"]?["action"]?.GetValue<string>() == "delivery.confirmed" ? m : null;
                }, "a delivery on the stream");
                Assert.Equal("c-daemon", line["data"]!["correlationId"]!.GetValue<string>());
            }
            finally
            {
                stream.Kill();
                await stream.WaitForExitAsync();
            }
            var written = await File.ReadAllTextAsync(Path.Combine(dir, "notifications.jsonl"));
            Assert.Contains("from the daemon", written);
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }
}
