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
    /// constructor may take any registered service. When it implements <see cref="IFunctionDefinition"/>, its
    /// metadata is read from the static <c>Define</c> and the function is only constructed to run; otherwise it is
    /// constructed once at start-up to call <see cref="SwitchyardFunction.Configure(FunctionBuilder)"/>.</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    public SwitchyardBuilder AddFunction<TFunction>() where TFunction : SwitchyardFunction
    {
        Services.TryAddScoped<TFunction>();
        Services.AddSingleton(new FunctionRegistration(typeof(TFunction), StaticDefine(typeof(TFunction))));
        return this;
    }

    /// <summary>The static <c>Define</c> of <paramref name="type"/>, or null. Found through the interface map because
    /// <c>AddFunction</c> cannot constrain its type argument to <see cref="IFunctionDefinition"/> without splitting
    /// into two methods that differ only by constraint, which C# does not allow.</summary>
    private static Action<FunctionBuilder>? StaticDefine(Type type)
    {
        if (!typeof(IFunctionDefinition).IsAssignableFrom(type)) return null;
        var define = type.GetInterfaceMap(typeof(IFunctionDefinition)).TargetMethods.Single();
        return define.CreateDelegate<Action<FunctionBuilder>>();
    }
}
