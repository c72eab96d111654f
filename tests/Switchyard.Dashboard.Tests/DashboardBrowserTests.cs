using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchyard.Dashboard.Tests;

/// <summary>The dashboard in dev mode (open on loopback), driven through real headless Chromium; each test saves a
/// screenshot of the page it exercised into docs/screenshots.</summary>
public sealed class DashboardBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task The_runs_page_shows_a_run_as_soon_as_an_event_starts_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>());
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/runs");
        // Subscribed to the feed before the event is sent: the row can only come from the live feed, not a reload.
        await Expect(page.Locator("tbody[data-live-open=true]")).ToHaveCountAsync(1);
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        var eventId = await server.SendEventAsync("dash/hello", new { name = "Ada" });

        var runs = await server.WaitForRunsOfEventAsync(eventId);
        var runId = runs[0]!["id"]!.GetValue<string>();
        await Expect(page.Locator($"#runs tr[data-id='{runId}']")).ToContainTextAsync("dash-greeter");
        await server.WaitForRunAsync(runId);
        await Expect(page.Locator($"#runs tr[data-id='{runId}'] .status")).ToHaveTextAsync("Completed");
        Assert.Equal(0, navigations);
        await Browser.ScreenshotAsync(page, "runs");
    }

    [Fact]
    public async Task A_run_page_shows_its_steps_and_their_timeline()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>());
        var eventId = await server.SendEventAsync("dash/hello", new { name = "Grace" });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await server.WaitForRunAsync(runId);

        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync($"/ui/runs/{runId}");

        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#steps")).ToContainTextAsync("look-up-name");
        await Expect(page.Locator("#steps")).ToContainTextAsync("\"hello, Grace\"");
        await Expect(page.Locator("svg.gantt .bar-sleep")).ToHaveCountAsync(1);
        await Expect(page.Locator("svg.gantt .bar-step")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(page, "run");
    }

    [Fact]
    public async Task An_event_page_says_why_a_function_did_not_run()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<BigOrders>());
        var eventId = await server.SendEventAsync("dash/order", new { amount = 5 });

        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync($"/ui/events/{Uri.EscapeDataString(eventId)}");

        var row = page.Locator("#decisions tr[data-function='dash-big-orders']");
        await Expect(row).ToContainTextAsync("expression_false");
        await Expect(row.Locator(".reason")).ToContainTextAsync("event.data.amount > 100");
        await Browser.ScreenshotAsync(page, "event");
    }

    [Fact]
    public async Task A_function_is_paused_and_resumed_from_the_functions_page()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>().AddFunction<BigOrders>());
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/functions");
        var card = page.Locator("article[data-function='dash-greeter']");

        await card.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();

        await Expect(card.Locator(".paused-badge")).ToHaveTextAsync("paused");
        Assert.True(await PausedAsync(server, "dash-greeter"));

        await card.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        await Expect(card.Locator(".paused-badge")).ToHaveCountAsync(0);
        Assert.False(await PausedAsync(server, "dash-greeter"));
        await Browser.ScreenshotAsync(page, "functions");
    }

    [Fact]
    public async Task The_events_page_and_a_phone_width_dark_runs_page_render()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>().AddFunction<BigOrders>());
        var hello = await server.SendEventAsync("dash/hello", new { name = "Lin" });
        await server.SendEventAsync("dash/order", new { amount = 500 });
        await server.WaitForRunAsync((await server.WaitForRunsOfEventAsync(hello))[0]!["id"]!.GetValue<string>());

        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/events?prefix=dash/");
        await Expect(page.Locator("#events tbody tr")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(page, "events");

        var phone = await browser.NewPageAsync(server.Url, 390, 844, ColorScheme.Dark);
        await phone.GotoAsync("/ui/runs");
        await Expect(phone.Locator("#runs tbody tr")).ToHaveCountAsync(2);
        // Dark mode follows the system: the page background is dark.
        var background = await phone.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(21, 23, 27)", background);
        await Browser.ScreenshotAsync(phone, "runs-phone-dark");
    }

    [Fact]
    public async Task The_topology_page_draws_each_trigger_as_an_arrow_from_event_to_function()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>().AddFunction<BigOrders>());
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/topology");

        await Expect(page.Locator("svg.topology .node-function")).ToHaveCountAsync(2);
        await Expect(page.Locator("svg.topology .node-event")).ToContainTextAsync(["dash/hello", "dash/order"]);
        await Expect(page.Locator("svg.topology .link title", new() { HasText = "dash/hello → dash-greeter (triggers)" })).ToHaveCountAsync(1);
        await Expect(page.Locator("svg.topology .link title", new() { HasText = "dash/order → dash-big-orders (triggers, if event.data.amount > 100)" })).ToHaveCountAsync(1);
        // Each arrow is a drawn curve (a path that did not parse would have no length).
        foreach (var path in await page.Locator("svg.topology .link path").AllAsync())
            Assert.True(await path.EvaluateAsync<double>("p => p.getTotalLength()") > 50, await path.GetAttributeAsync("d"));
        await Browser.ScreenshotAsync(page, "topology");
    }

    private static async Task<bool> PausedAsync(TestServer server, string functionId) =>
        (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == functionId)!["paused"]!.GetValue<bool>();
}
