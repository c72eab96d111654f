using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Registers Switchyard in dependency injection.</summary>
public static class SwitchyardServiceCollectionExtensions
{
    /// <summary>Registers the Switchyard SDK (<see cref="SwitchyardClient"/> and the serve endpoint's services).
    /// Add functions on the returned builder and serve them with <c>app.MapSwitchyard()</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the app id, server URL and other <see cref="SwitchyardOptions"/>. Keys left unset
    /// are read from <c>SWITCHYARD_EVENT_KEY</c>, <c>SWITCHYARD_SIGNING_KEY</c>, <c>SWITCHYARD_SIGNING_KEY_FALLBACK</c>
    /// and <c>SWITCHYARD_ROLE</c>.</param>
    public static SwitchyardBuilder AddSwitchyard(this IServiceCollection services, Action<SwitchyardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        // Unset keys come from the environment, so that secrets need not live in code or config files.
        services.PostConfigure<SwitchyardOptions>(o =>
        {
            o.EventKey ??= Environment.GetEnvironmentVariable("SWITCHYARD_EVENT_KEY");
            o.SigningKey ??= Environment.GetEnvironmentVariable("SWITCHYARD_SIGNING_KEY");
            o.SigningKeyFallback ??= Environment.GetEnvironmentVariable("SWITCHYARD_SIGNING_KEY_FALLBACK");
            if (string.IsNullOrWhiteSpace(o.Role)) o.Role = Environment.GetEnvironmentVariable("SWITCHYARD_ROLE") is { Length: > 0 } role ? role.Trim() : null;
        });
        services.AddHttpClient(SwitchyardClient.HttpClientName);
        services.TryAddSingleton<SwitchyardClient>();
        services.TryAddSingleton<FunctionRegistry>();
        services.TryAddSingleton<RequestVerifier>();
        services.TryAddSingleton<AppSync>();
        services.TryAddSingleton<ServeEndpoint>();
        return new SwitchyardBuilder(services);
    }
}
