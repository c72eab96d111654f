using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Adds functions to a Switchyard app; returned by <c>AddSwitchyard</c>.</summary>
public sealed class SwitchyardBuilder
{
    internal SwitchyardBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the app is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a function. It is registered as a scoped service, resolved anew for each call, so its
    /// constructor may take any registered service.</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    public SwitchyardBuilder AddFunction<TFunction>() where TFunction : SwitchyardFunction
    {
        Services.TryAddScoped<TFunction>();
        Services.AddSingleton(new FunctionRegistration(typeof(TFunction)));
        return this;
    }
}
