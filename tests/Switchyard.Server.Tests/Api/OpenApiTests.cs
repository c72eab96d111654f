using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Server.Tests;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> describes exactly the API the server maps: every route
/// under the API prefixes is in it with its method, nothing else is, and each documents a 200 answer.</summary>
public sealed class OpenApiTests
{
    private static readonly string[] Prefixes = ["/v1/", "/e/", "/fn/", "/observability/", "/webhooks/"];

    [Fact]
    public async Task Document_lists_every_mapped_api_route_and_nothing_else()
    {
        await using var server = await TestServer.StartAsync();
        var document = await server.GetAsync("/openapi/v1.json");

        var mapped = MappedRoutes(server.Services);
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
            if (Prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
                foreach (var (method, _) in item!.AsObject())
                    documented.Add($"{method.ToUpperInvariant()} {path}");

        Assert.NotEmpty(mapped);
        Assert.Equal([], mapped.Except(documented).ToList());
        Assert.Equal([], documented.Except(mapped).ToList());
    }

    [Fact]
    public async Task Api_routes_document_their_success_answer()
    {
        await using var server = await TestServer.StartAsync();
        var document = await server.GetAsync("/openapi/v1.json");

        var undocumented = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                if (Prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)) && operation!["responses"]?["200"]?["content"] is null)
                    undocumented.Add($"{method.ToUpperInvariant()} {path}");
        Assert.Equal([], undocumented);

        // Spot-check that responses point at the client's records, not at an untyped object.
        var runs = document["paths"]!["/v1/runs"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        Assert.EndsWith("/RunList", runs, StringComparison.Ordinal);
        Assert.NotNull(document["components"]!["schemas"]!["RunView"]);
    }

    [Fact]
    public async Task Outside_dev_mode_every_v1_route_refuses_a_caller_without_the_api_token()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key-1";
            o.SigningKey = "signkey-prod-" + new string('a', 64);
            o.ApiToken = "token-123";
        });
        var open = new List<string>();
        foreach (var route in MappedRoutes(server.Services).Where(r => r.Split(' ')[1].StartsWith("/v1/", StringComparison.Ordinal)))
        {
            var (method, path) = (route.Split(' ')[0], System.Text.RegularExpressions.Regex.Replace(route.Split(' ')[1], "{[^}]+}", "x"));
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            using var response = await server.Http.SendAsync(request);
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized) open.Add($"{route}: {(int)response.StatusCode}");
        }
        Assert.Equal([], open);
    }

    /// <summary>"METHOD /path" of every endpoint under the API prefixes, from the routing data source.</summary>
    private static SortedSet<string> MappedRoutes(IServiceProvider services)
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in services.GetServices<EndpointDataSource>())
            foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
            {
                var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
                if (!Prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal))) continue;
                foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                    routes.Add($"{method} {path}");
            }
        return routes;
    }
}
