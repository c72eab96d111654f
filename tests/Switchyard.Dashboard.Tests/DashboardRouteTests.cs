using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Server.Dashboard;

namespace Switchyard.Dashboard.Tests;

/// <summary>Every dashboard route is behind the session outside dev mode, read from the app's own endpoint data
/// source, so a page added later without protection fails here; and UI actions need their anti-forgery token.</summary>
public sealed class DashboardRouteTests
{
    [Fact]
    public async Task Every_dashboard_route_needs_a_session_outside_dev_mode()
    {
        await using var server = await Production.StartAsync();
        var routes = DashboardRoutes(server);
        Assert.Contains(routes, r => r.Pattern == "/ui/runs/{Id}");
        Assert.Contains(routes, r => r.Pattern == "/ui/functions/{id}/pause");
        Assert.Contains(routes, r => r.Pattern == "/ui/feed");
        foreach (var page in new[] { "/ui/apps", "/ui/trace/{Id}", "/ui/telemetry", "/ui/cron", "/ui/webhooks", "/ui/gateway", "/ui/dags", "/ui/dags/{Id}", "/ui/pipelines", "/ui/pipelines/{Name}", "/ui/queue" })
            Assert.Contains(routes, r => r.Pattern == page);
        Assert.Contains(routes, r => r.Pattern == "/ui/gateway/channels/{name}/mute");

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Url };
        foreach (var (pattern, methods, endpoint) in routes)
        {
            var isPublic = DashboardEndpoints.PublicRoutes.Contains(pattern);
            var protectedByMetadata = endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
            Assert.True(isPublic || protectedByMetadata, $"{pattern} is not behind authorization");
            if (isPublic) continue;
            // And in fact: a request without the cookie never reaches the page or action.
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", "x");
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST") request.Content = new FormUrlEncodedContent([]);
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.Redirect) Assert.Equal("/ui/login", response.Headers.Location!.AbsolutePath);
            }
        }
    }

    [Fact]
    public async Task A_dashboard_action_without_its_anti_forgery_token_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Url };

        using var response = await http.PostAsync("/ui/functions/dash-greeter/pause", new FormUrlEncodedContent([new("data", "{}")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var functions = (await server.GetAsync("/v1/functions"))["functions"]!.AsArray();
        Assert.False(functions.Single(f => f!["id"]!.GetValue<string>() == "dash-greeter")!["paused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Every_page_sends_a_content_security_policy_without_inline_script()
    {
        await using var server = await TestServer.StartAsync();
        foreach (var path in new[] { "/ui/runs", "/ui/events", "/ui/functions", "/ui/runs/none", "/ui/events/none", "/ui/login", "/ui/apps", "/ui/trace/none", "/ui/telemetry",
                     "/ui/cron", "/ui/webhooks", "/ui/gateway", "/ui/dags", "/ui/dags/none", "/ui/pipelines", "/ui/pipelines/none", "/ui/queue" })
        {
            using var response = await server.Http.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
        }
    }

    private static List<(string Pattern, IReadOnlyList<string> Methods, RouteEndpoint Endpoint)> DashboardRoutes(TestServer server) =>
        server.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), e))
            .Where(x => x.Pattern.StartsWith(DashboardEndpoints.Prefix + "/", StringComparison.Ordinal) || x.Pattern == DashboardEndpoints.Prefix)
            .Select(x => (x.Pattern, (IReadOnlyList<string>)(x.e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).ToList(), x.e))
            .ToList();
}
