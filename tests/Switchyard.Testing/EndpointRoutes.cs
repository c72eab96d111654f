using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Testing;

/// <summary>The routes an ASP.NET Core app maps, read from its endpoint data sources, so that security tests (auth
/// matrix, fuzz) cover a route as soon as it is added.</summary>
public static class EndpointRoutes
{
    /// <summary>"METHOD /pattern" of every route endpoint of <paramref name="services"/> (a route without methods
    /// counts as GET; a catch-all pattern such as <c>{*path}</c> keeps no leading slash).</summary>
    public static SortedSet<string> List(IServiceProvider services)
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in services.GetServices<EndpointDataSource>())
            foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
            {
                var raw = endpoint.RoutePattern.RawText!;
                var path = raw.StartsWith('{') ? raw : "/" + raw.TrimStart('/');
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                foreach (var method in methods is { Count: > 0 } ? methods : ["GET"]) routes.Add($"{method} {path}");
            }
        return routes;
    }
}
