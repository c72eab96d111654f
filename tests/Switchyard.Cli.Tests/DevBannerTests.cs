using System.Text.Json.Nodes;
using Switchyard.Cli.Tests.Ports;

namespace Switchyard.Cli.Tests;

/// <summary><c>yard dev --app</c> reports whether each app actually synced, not that it was asked to (issue 20).</summary>
public sealed class DevBannerTests
{
    [Fact]
    public async Task Yard_dev_says_which_apps_synced_at_start_and_why_the_others_did_not()
    {
        var port = Loopback.FreePort();
        await using var app = await TestApp.StartAsync(new Uri($"http://127.0.0.1:{port}"), "banner", sdk => sdk.AddFunction<OneStep>(), sync: false);
        var unreachable = $"http://127.0.0.1:{Loopback.FreePort()}/api/switchyard";
        await using var yard = await YardProcess.StartDevAsync(TempDir.Create(), port, "--app", app.ServeUrl.ToString(), "--app", unreachable);

        // stdout is not a terminal, so the banner is the JSON envelope.
        var envelope = await Eventually.GetAsync(() => Task.FromResult(Envelope(yard.Output)), () => $"the dev envelope in:\n{yard.Output}");
        var apps = envelope["result"]!["apps"]!.AsArray();
        Assert.Equal(app.ServeUrl.ToString(), apps[0]!["url"]!.GetValue<string>());
        Assert.True(apps[0]!["synced"]!.GetValue<bool>(), apps[0]!.ToJsonString());
        Assert.Equal(unreachable, apps[1]!["url"]!.GetValue<string>());
        Assert.False(apps[1]!["synced"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(apps[1]!["message"]!.GetValue<string>()));
    }

    private static JsonObject? Envelope(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("{\"ok\"", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l) as JsonObject).FirstOrDefault(o => o?["result"]?["apps"] is not null);
}
