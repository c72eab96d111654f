using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Serves Switchyard functions from ASP.NET Core.</summary>
public static class SwitchyardEndpointRouteBuilderExtensions
{
    /// <summary>Maps the serve endpoint at <see cref="SwitchyardOptions.ServePath"/>: <c>GET</c> health check and
    /// introspection, <c>PUT</c> sync with the server, <c>POST</c> function calls from the server. Function
    /// configurations are checked here, so a bad id fails at startup.</summary>
    /// <param name="endpoints">The app's route builder.</param>
    public static IEndpointConventionBuilder MapSwitchyard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<SwitchyardOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.AppId))
            throw new InvalidOperationException("Switchyard needs an app id: set SwitchyardOptions.AppId in AddSwitchyard.");
        if (!options.ServePath.StartsWith('/'))
            throw new InvalidOperationException($"SwitchyardOptions.ServePath must start with '/': \"{options.ServePath}\".");
        _ = services.GetRequiredService<FunctionRegistry>().Count;
        var endpoint = services.GetRequiredService<ServeEndpoint>();
        return endpoints.Map(options.ServePath, endpoint.HandleAsync).WithDisplayName("Switchyard");
    }
}
