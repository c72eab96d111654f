using Microsoft.Extensions.Configuration;
using Tomlyn;
using Tomlyn.Model;

namespace Switchyard.Configuration;

/// <summary>Reads <c>yard.toml</c> into configuration keys. Nested tables become <c>section:key</c>; underscores
/// in keys are dropped so that <c>data_dir</c> binds <c>DataDir</c>. A missing file is not an error.</summary>
public sealed class TomlConfigurationSource(string path) : IConfigurationSource
{
    /// <summary>The file read.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(Path);

    private sealed class Provider(string path) : ConfigurationProvider
    {
        public override string ToString() => $"toml ({path})";

        public override void Load()
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (!File.Exists(path)) return;
            TomlTable table;
            try
            {
                table = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path))!;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{path}: not valid TOML: {ex.Message}", ex);
            }
            Flatten(table, "");
        }

        private void Flatten(TomlTable table, string prefix)
        {
            foreach (var (rawKey, value) in table)
            {
                var key = prefix + ConfigKey.Normalize(rawKey);
                switch (value)
                {
                    case TomlTable nested:
                        Flatten(nested, key + ":");
                        break;
                    case TomlArray array:
                        // Lists are comma-joined: list options are comma-separated strings everywhere.
                        Data[key] = string.Join(",", array.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    default:
                        Data[key] = value is bool b ? (b ? "true" : "false") : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                }
            }
        }
    }
}
