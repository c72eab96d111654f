using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21: every route the server maps, enumerated from its endpoint data sources so that a new route cannot
/// be missed, is called in production mode with no token, a wrong token and the right API token. A route not in
/// <see cref="Public"/> must refuse the first two with 401 and accept the third.</summary>
public sealed class AuthMatrixTests
{
    /// <summary>Routes that do not take the API token, and why.</summary>
    private static readonly Dictionary<string, (string Why, HttpStatusCode? WithoutCredential)> Public = new(StringComparer.Ordinal)
    {
        ["GET /health"] = ("liveness probe for load balancers and `yard status`; no event data", HttpStatusCode.OK),
        ["GET /health/live"] = ("Kubernetes liveness probe (a kubelet holds no token); says only that the process serves", HttpStatusCode.OK),
        ["GET /health/ready"] = ("Kubernetes readiness probe; says only whether the store answers and migrations are done", HttpStatusCode.OK),
        ["GET /openapi/{documentName}.json"] = ("the API's description; nothing stored", HttpStatusCode.OK),
        ["POST /e/{eventKey}"] = ("guarded by the event keys (SWITCHYARD_EVENT_KEYS) in the path", HttpStatusCode.Unauthorized),
        ["POST /fn/register"] = ("guarded by the signing key (or its hash) as bearer", HttpStatusCode.Unauthorized),
        ["POST /v1/checkpoint/{runId}/async"] = ("an Inngest JS app's async checkpoint: guarded by the signing key (or its hash) as bearer, as the SDK sends it, not the API token", HttpStatusCode.Unauthorized),
        ["POST /observability/emit"] = ("guarded by the telemetry token (or the API token)", HttpStatusCode.Unauthorized),
        ["POST /webhooks/{provider}"] = ("guarded by each provider's signature; an unknown provider is 404", HttpStatusCode.NotFound),
        ["GET {*path:nonfile}"] = ("the JSON 404 for unmapped paths", HttpStatusCode.NotFound),
        ["GET /_framework/opaque-redirect"] = ("added by the dashboard's Razor components: redirects only to a URL the server itself sealed with Data Protection; shows no data", null),
        ["GET /"] = ("redirects a browser to the dashboard, which without a session redirects to its login form (followed here: 200)", HttpStatusCode.OK),
    };

    [Fact]
    public async Task Every_route_is_public_by_the_table_or_needs_the_api_token()
    {
        await using var server = await Hostile.ProductionAsync();
        var routes = EndpointRoutes.List(server.Services);
        Assert.Contains("GET /v1/events", routes);
        Assert.Contains("POST /e/{eventKey}", routes);
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            // The dashboard takes a session cookie (from the login form), not the API token: every /ui route is held
            // to it by Switchyard.Dashboard.Tests' DashboardRouteTests.
            if (pattern == Dashboard.DashboardEndpoints.Prefix || pattern.StartsWith(Dashboard.DashboardEndpoints.Prefix + "/", StringComparison.Ordinal)) continue;
            var path = Regex.Replace(pattern.Replace("{documentName}", "v1", StringComparison.Ordinal), "{[^}]+}", "x");
            var none = await SendAsync(server, method, path, null);
            var wrong = await SendAsync(server, method, path, "wrong-token-of-another-length-" + new string('z', 40));
            var right = await SendAsync(server, method, path, Hostile.ApiToken);
            foreach (var (who, status) in new[] { ("no token", none), ("wrong token", wrong), ("API token", right) })
                if ((int)status >= 500) failures.Add($"{route} with {who}: {(int)status}");
            if (Public.TryGetValue(route, out var entry))
            {
                if (entry.WithoutCredential is { } expected && none != expected) failures.Add($"{route} (public: {entry.Why}) without a credential: {(int)none}, expected {(int)expected}");
                continue;
            }
            if (none != HttpStatusCode.Unauthorized) failures.Add($"{route} without a token: {(int)none}");
            if (wrong != HttpStatusCode.Unauthorized) failures.Add($"{route} with a wrong token: {(int)wrong}");
            if (right is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) failures.Add($"{route} with the API token: {(int)right}");
        }
        Assert.Equal([], failures);
        // The table lists only routes that exist, so a removed route cannot leave a stale exemption.
        Assert.Equal([], Public.Keys.Except(routes).ToList());
    }

    private static async Task<HttpStatusCode> SendAsync(TestServer server, string method, string path, string? bearer)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is not ("GET" or "HEAD" or "DELETE")) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        // Stream routes answer headers and then stay open; the status is all this test needs.
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
