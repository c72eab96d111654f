using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchyard.Dashboard.Tests;

/// <summary>Outside dev mode the dashboard needs the API token, entered once in a login form that sets a session
/// cookie (real Chromium).</summary>
public sealed class DashboardLoginTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Without_a_session_a_page_redirects_to_login_a_wrong_token_is_refused_and_the_right_one_gets_in()
    {
        await using var server = await Production.StartAsync();
        var page = await browser.NewPageAsync(server.Url);

        var response = await page.GotoAsync("/ui/functions");
        Assert.Equal("/ui/login", new Uri(page.Url).AbsolutePath);
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "login");

        await page.GetByLabel("API token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong token.");
        Assert.Equal("/ui/login", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "switchyard.session");

        await page.GetByLabel("API token").FillAsync(Production.ApiToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Functions");
        Assert.Equal("/ui/functions", new Uri(page.Url).AbsolutePath);
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "switchyard.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        // The token itself is nowhere in the page.
        Assert.DoesNotContain(Production.ApiToken, await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        Assert.Equal("/ui/login", new Uri(page.Url).AbsolutePath);
        await page.GotoAsync("/ui/runs");
        Assert.Equal("/ui/login", new Uri(page.Url).AbsolutePath);
    }
}
