using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Configuration;

/// <summary>Reads <c>SWITCHYARD_*</c> environment variables: <c>SWITCHYARD_DATA_DIR</c> binds <c>DataDir</c>,
/// <c>__</c> separates sections. The stock provider would need <c>SWITCHYARD_DATADIR</c>, which nobody guesses.</summary>
public sealed class SwitchyardEnvironmentSource : IConfigurationSource
{
    /// <summary>Prefix of the variables read.</summary>
    public const string Prefix = "SWITCHYARD_";

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    private sealed class Provider : ConfigurationProvider
    {
        public override string ToString() => "environment (SWITCHYARD_*)";

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                var name = (string)entry.Key;
                if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) continue;
                var key = ConfigKey.Normalize(name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal));
                data[key] = entry.Value as string;
            }
            Data = data;
        }
    }
}
