using System.Globalization;
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

    /// <summary>Parses TOML text into a table; malformed text is an <see cref="InvalidDataException"/> naming
    /// <paramref name="where"/>. The gateway and supervisor files are read with this too.</summary>
    public static TomlTable Parse(string toml, string where)
    {
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(toml)!;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{where}: not valid TOML: {ex.Message}", ex);
        }
    }

    private sealed class Provider(string path) : ConfigurationProvider, IKeyOrigin
    {
        // Normalized key → the dotted key as written, so errors quote what the user typed.
        private readonly Dictionary<string, string> _written = new(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => $"toml ({path})";

        public string Describe(string key) => $"{path}: {(_written.TryGetValue(key, out var raw) ? raw : key)}";

        public string Spell(string snakePath) => snakePath;

        public override void Load()
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _written.Clear();
            if (!File.Exists(path)) return;
            Flatten(Parse(File.ReadAllText(path), path), "", "");
        }

        private void Flatten(TomlTable table, string prefix, string writtenPrefix)
        {
            foreach (var (rawKey, value) in table)
            {
                var key = prefix + ConfigKey.Normalize(rawKey);
                _written[key] = writtenPrefix + rawKey;
                switch (value)
                {
                    case TomlTable nested:
                        Flatten(nested, key + ":", writtenPrefix + rawKey + ".");
                        break;
                    case TomlTableArray tables:
                        // [[name]] arrays of tables bind lists of objects: name:0:key, name:1:key, ...
                        for (var i = 0; i < tables.Count; i++)
                            Flatten(tables[i], $"{key}:{i}:", $"{writtenPrefix}{rawKey}[{i}].");
                        break;
                    case TomlArray array:
                        // Lists are comma-joined: list options are comma-separated strings everywhere.
                        Data[key] = string.Join(",", array.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
                        break;
                    default:
                        Data[key] = value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture);
                        break;
                }
            }
        }
    }
}
