using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Registers Switchyard in dependency injection.</summary>
public static class SwitchyardServiceCollectionExtensions
{
    /// <summary>Registers the Switchyard SDK (<see cref="SwitchyardClient"/> and the serve endpoint's services).
    /// Add functions on the returned builder and serve them with <c>app.MapSwitchyard()</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the app id, server URL and other <see cref="SwitchyardOptions"/>. It runs after
    /// the <c>SWITCHYARD_*</c> environment variables are applied (<c>SWITCHYARD_APP_ID</c>,
    /// <c>SWITCHYARD_SERVER_URL</c>, …), so what it sets wins. Keys left unset are still read from
    /// <c>SWITCHYARD_EVENT_KEY</c>, <c>SWITCHYARD_SIGNING_KEY</c>, <c>SWITCHYARD_SIGNING_KEY_FALLBACK</c> and
    /// <c>SWITCHYARD_ROLE</c>.</param>
    public static SwitchyardBuilder AddSwitchyard(this IServiceCollection services, Action<SwitchyardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddSwitchyard(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the Switchyard SDK with its options bound from <paramref name="configuration"/>, e.g.
    /// <c>builder.Configuration.GetSection("Switchyard")</c>, over the <c>SWITCHYARD_*</c> environment variables.
    /// Keys are the <see cref="SwitchyardOptions"/> property names (<c>AppId</c>, <c>ServerUrl</c>,
    /// <c>SyncOnStart</c>, …); an unknown key or a bad value fails at start-up with an error naming it.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="configure">Optional settings applied after the binding (e.g. a <see cref="SwitchyardOptions.Serializer"/>).</param>
    public static SwitchyardBuilder AddSwitchyard(this IServiceCollection services, IConfiguration configuration, Action<SwitchyardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddSwitchyard(services);
        services.AddOptions<SwitchyardOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        if (configure is not null) services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the Switchyard SDK configured by the <c>SWITCHYARD_*</c> environment variables alone
    /// (<c>SWITCHYARD_APP_ID</c> is then required). Further configuration can be chained with
    /// <c>services.AddOptions&lt;SwitchyardOptions&gt;().BindConfiguration("Switchyard")</c>.</summary>
    /// <param name="services">The service collection.</param>
    public static SwitchyardBuilder AddSwitchyard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Once per collection, however many AddSwitchyard calls: the services below are added, not tried.
        if (services.Any(d => d.ServiceType == typeof(StartupRegistration))) return new SwitchyardBuilder(services);
        // Environment first: every later Configure (code, configuration binding) overrides it.
        services.TryAddSingleton(new SwitchyardEnvironment());
        services.AddSingleton<IConfigureOptions<SwitchyardOptions>>(sp => sp.GetRequiredService<SwitchyardEnvironment>());
        services.AddSingleton<IPostConfigureOptions<SwitchyardOptions>>(sp => sp.GetRequiredService<SwitchyardEnvironment>());
        services.AddSingleton<IValidateOptions<SwitchyardOptions>, SwitchyardOptionsValidator>();
        services.AddOptions<SwitchyardOptions>().ValidateOnStart();
        services.AddSingleton(new SyncOnStartStatus());
        services.AddSingleton<StartupRegistration>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupRegistration>());
        services.AddHttpClient(SwitchyardClient.HttpClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SwitchyardClient>();
        services.TryAddSingleton<FunctionRegistry>();
        services.TryAddSingleton<RequestVerifier>();
        services.TryAddSingleton<AppSync>();
        services.TryAddSingleton<ServeEndpoint>();
        return new SwitchyardBuilder(services);
    }
}
