using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchyard.Sdk.Hosting;

/// <summary>The app's functions, keyed by composite id. Built once, by resolving each function class in a scope
/// and calling its <see cref="SwitchyardFunction.Configure(FunctionBuilder)"/>.</summary>
internal sealed class FunctionRegistry
{
    private readonly Lazy<IReadOnlyDictionary<string, FunctionDefinition>> _byId;

    public FunctionRegistry(IEnumerable<FunctionRegistration> registrations, IServiceScopeFactory scopes, IOptions<SwitchyardOptions> options)
    {
        _byId = new(() => Build(registrations, scopes, options.Value.AppId));
    }

    public IEnumerable<FunctionDefinition> All => _byId.Value.Values;

    public int Count => _byId.Value.Count;

    public FunctionDefinition? Find(string? compositeId) =>
        compositeId is not null && _byId.Value.TryGetValue(compositeId, out var definition) ? definition : null;

    private static Dictionary<string, FunctionDefinition> Build(IEnumerable<FunctionRegistration> registrations, IServiceScopeFactory scopes, string appId)
    {
        var byId = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        using var scope = scopes.CreateScope();
        foreach (var type in registrations.Select(r => r.Type).Distinct())
        {
            var function = (SwitchyardFunction)scope.ServiceProvider.GetRequiredService(type);
            var builder = new FunctionBuilder();
            function.Configure(builder);
            var definition = builder.Build(type);
            var id = FunctionDefinition.CompositeId(appId, definition.LocalId);
            if (!byId.TryAdd(id, definition))
                throw new InvalidOperationException($"Functions {byId[id].Type.Name} and {type.Name} both use the id \"{definition.LocalId}\".");
        }
        return byId;
    }
}
