using Microsoft.Extensions.Configuration;

namespace Switchyard.Configuration;

/// <summary>Reads <c>SWITCHYARD_*</c> environment variables: <c>SWITCHYARD_DATA_DIR</c> binds <c>DataDir</c>,
/// <c>__</c> separates sections. The stock provider would need <c>SWITCHYARD_DATADIR</c>, which nobody guesses.
/// Variables that are not server options (see <see cref="SwitchyardVariables.IsNotAServerOption"/>) are skipped.</summary>
/// <param name="variables">The variables to read; the process environment when null (tests pass their own, so they
/// need not mutate the process).</param>
public sealed class SwitchyardEnvironmentSource(IReadOnlyDictionary<string, string>? variables = null) : IConfigurationSource
{
    /// <summary>Prefix of the variables read.</summary>
    public const string Prefix = SwitchyardVariables.Prefix;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(variables);

    private sealed class Provider(IReadOnlyDictionary<string, string>? variables) : ConfigurationProvider, IKeyOrigin
    {
        // Normalized key (and each of its parent sections) → the variable that set it.
        private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => "environment (SWITCHYARD_*)";

        public string Describe(string path) => $"environment variable {(_names.TryGetValue(path, out var name) ? name : path)}";

        public string Spell(string snakePath) => SwitchyardVariables.For(snakePath);

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _names.Clear();
            foreach (var (name, value) in variables ?? SwitchyardVariables.Current())
            {
                if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || SwitchyardVariables.IsNotAServerOption(name, value)) continue;
                var key = ConfigKey.Normalize(name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal));
                data[key] = value;
                for (var section = key; section.Length > 0; section = section.Contains(':', StringComparison.Ordinal) ? section[..section.LastIndexOf(':')] : "")
                    _names.TryAdd(section, name);
            }
            Data = data;
        }
    }
}
