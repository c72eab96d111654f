using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Switchyard.Dashboard.Tests;

/// <summary>The gateway page reaches a real gateway (in-process, on a loopback port, a file channel) through
/// <c>gateway_url</c>, as <c>yard gateway channels|mute|unmute</c> do, and says so plainly when none is configured.</summary>
public sealed class GatewayPageTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Without_a_gateway_url_the_page_says_no_gateway_is_configured()
    {
        await using var server = await TestServer.StartAsync();
        var page = await browser.NewPageAsync(server.Url);

        var response = await page.GotoAsync("/ui/gateway");

        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("#no-gateway")).ToContainTextAsync("No gateway is configured");
    }

    [Fact]
    public async Task A_channel_is_muted_with_a_reason_and_unmuted_from_the_gateway_page()
    {
        await using var server = await TestServer.StartAsync();
        var stateDir = TempDir.Create();
        var config = GatewayConfigLoader.Parse($"""
            [gateway]
            port = 0
            server_url = "{server.Url}"
            state_dir = "{stateDir}"

            [channels.ops]
            type = "file"
            path = "ops.jsonl"
            """, stateDir);
        await using var gateway = GatewayApp.Build(config, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await gateway.StartAsync();
        server.Options.GatewayUrl = GatewayApp.Addresses(gateway).First();
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/gateway");
        var row = page.Locator("#channels tr[data-channel='ops']");
        await Expect(row).ToContainTextAsync("file");

        await row.GetByLabel("Reason to mute ops").FillAsync("pager storm");
        await row.GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();

        await Expect(row.Locator(".paused-badge")).ToHaveTextAsync("muted");
        var control = gateway.Services.GetRequiredService<GatewayControl>();
        var channel = (await control.HealthAsync(CancellationToken.None))["channels"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "ops")!;
        Assert.Equal("pager storm", channel["muteReason"]!.GetValue<string>());
        await Browser.ScreenshotAsync(page, "gateway");

        await row.GetByRole(AriaRole.Button, new() { Name = "Unmute" }).ClickAsync();

        await Expect(row.Locator(".paused-badge")).ToHaveCountAsync(0);
        channel = (await control.HealthAsync(CancellationToken.None))["channels"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "ops")!;
        Assert.False(channel["muted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_gateway_that_does_not_answer_is_reported_with_the_fix()
    {
        await using var server = await TestServer.StartAsync(o => o.GatewayUrl = "http://127.0.0.1:9");
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/gateway");
        await Expect(page.Locator("#gateway-problem")).ToContainTextAsync("no gateway answers at http://127.0.0.1:9");
        await Expect(page.Locator("#gateway-problem")).ToContainTextAsync("yard gateway --config gateway.toml");
    }
}
