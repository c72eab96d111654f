using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchyard.Sdk.Hosting;

/// <summary>The functions this app serves, keyed by composite id: every added function class, or with a
/// <see cref="SwitchyardOptions.Role"/> those that run in it. Built once, by resolving each function class in a
/// scope and calling its <see cref="SwitchyardFunction.Configure(FunctionBuilder)"/>.</summary>
internal sealed class FunctionRegistry
{
    private readonly Lazy<IReadOnlyDictionary<string, FunctionDefinition>> _byId;

    public FunctionRegistry(IEnumerable<FunctionRegistration> registrations, IServiceScopeFactory scopes, IOptions<SwitchyardOptions> options)
    {
        _byId = new(() => Build(registrations, scopes, options.Value));
    }

    public IEnumerable<FunctionDefinition> All => _byId.Value.Values;

    public int Count => _byId.Value.Count;

    public FunctionDefinition? Find(string? compositeId) =>
        compositeId is not null && _byId.Value.TryGetValue(compositeId, out var definition) ? definition : null;

    private static Dictionary<string, FunctionDefinition> Build(IEnumerable<FunctionRegistration> registrations, IServiceScopeFactory scopes, SwitchyardOptions options)
    {
        var all = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        // Only functions without a static Define are constructed here; the scope is created for the first of them.
        IServiceScope? scope = null;
        try
        {
            foreach (var registration in registrations.DistinctBy(r => r.Type))
            {
                var builder = new FunctionBuilder();
                if (registration.Define is { } define) define(builder);
                else
                {
                    scope ??= scopes.CreateScope();
                    ((SwitchyardFunction)scope.ServiceProvider.GetRequiredService(registration.Type)).Configure(builder);
                }
                var definition = builder.Build(registration.Type);
                Add(all, options.AppId, definition);
                if (SwitchyardFunction.HasFailureHandler(registration.Type)) Add(all, options.AppId, definition.FailureHandler(options.AppId));
            }
        }
        finally
        {
            scope?.Dispose();
        }
        var role = CheckRole(options, all.Values);
        return all.Where(kv => kv.Value.RunsIn(role)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, FunctionDefinition> all, string appId, FunctionDefinition definition)
    {
        var id = FunctionDefinition.CompositeId(appId, definition.LocalId);
        if (!all.TryAdd(id, definition))
            throw new InvalidOperationException($"Functions {all[id].Type.Name} and {definition.Type.Name} both use the id \"{definition.LocalId}\".");
    }

    /// <summary>The role to filter by, after checking it and the functions' roles against what the app knows.
    /// Failing here fails <c>MapSwitchyard</c>, so a mistyped role stops the app at startup instead of
    /// registering an empty or wrong function set.</summary>
    private static string? CheckRole(SwitchyardOptions options, IEnumerable<FunctionDefinition> functions)
    {
        var allowed = options.AllowedRoles.ToList();
        foreach (var name in allowed)
            if (!RoleName.IsValid(name))
                throw new InvalidOperationException($"SwitchyardOptions.AllowedRoles has \"{name}\", which is not a valid role: use lower-case letters, digits and '_'.");
        var declared = functions.SelectMany(f => f.Roles.Select(r => (Role: r, Function: f))).ToList();
        if (allowed.Count > 0 && declared.FirstOrDefault(d => !allowed.Contains(d.Role, StringComparer.Ordinal)) is { Function: not null } stray)
            throw new InvalidOperationException($"Function \"{stray.Function.LocalId}\" ({stray.Function.Type.Name}) declares role \"{stray.Role}\", "
                + $"which is not in SwitchyardOptions.AllowedRoles ({string.Join(", ", allowed)}).");
        var role = string.IsNullOrWhiteSpace(options.Role) ? null : options.Role;
        if (role is null) return null;
        var known = (allowed.Count > 0 ? allowed : declared.Select(d => d.Role)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!known.Contains(role, StringComparer.Ordinal))
        {
            var source = allowed.Count > 0 ? "SwitchyardOptions.AllowedRoles" : "its functions";
            throw new InvalidOperationException(known.Count == 0
                ? $"Unknown role \"{role}\" for app \"{options.AppId}\": no function declares a role. Start it without a role (unset SWITCHYARD_ROLE), or declare roles with FunctionBuilder.Roles(…)."
                : $"Unknown role \"{role}\" for app \"{options.AppId}\": the known roles are {string.Join(", ", known)} (from {source}). Start it with one of them, or without a role to serve every function.");
        }
        return role;
    }
}
