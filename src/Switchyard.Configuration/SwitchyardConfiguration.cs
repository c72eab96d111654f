using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Configuration;

/// <summary>Loads <see cref="ServerOptions"/> from defaults, <c>yard.toml</c>, the environment and flags, and says
/// where each effective value came from (for <c>yard config</c>).</summary>
public sealed class SwitchyardConfiguration
{
    /// <summary>Default configuration file, looked up in the working directory.</summary>
    public const string DefaultFile = "yard.toml";

    private static readonly string[] SecretKeys = ["SigningKey", "SigningKeyFallback", "ApiToken", "EventKeys", "TelemetryToken"];

    private SwitchyardConfiguration(IConfigurationRoot root, ServerOptions options, string file)
    {
        Root = root;
        Options = options;
        File = file;
    }

    /// <summary>The merged configuration.</summary>
    public IConfigurationRoot Root { get; }
    /// <summary>The bound options.</summary>
    public ServerOptions Options { get; }
    /// <summary>The TOML file consulted (it may not exist).</summary>
    public string File { get; }

    /// <summary>Builds the configuration. <paramref name="flags"/> holds option names (any spelling) → values given
    /// on the command line; <paramref name="configFile"/> overrides <c>SWITCHYARD_CONFIG</c> and <c>./yard.toml</c>;
    /// <paramref name="environment"/> replaces the process's <c>SWITCHYARD_*</c> variables (tests).</summary>
    /// <exception cref="InvalidDataException">The TOML file is malformed, or a key is unknown or a value invalid
    /// (one line per problem, naming the file or variable).</exception>
    public static SwitchyardConfiguration Load(IReadOnlyDictionary<string, string?>? flags = null, string? configFile = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= SwitchyardVariables.Current();
        var file = configFile ?? environment.GetValueOrDefault("SWITCHYARD_CONFIG") ?? DefaultFile;
        var normalizedFlags = (flags ?? new Dictionary<string, string?>())
            .Where(kv => kv.Value is not null)
            .ToDictionary(kv => ConfigKey.Normalize(kv.Key), kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        var root = new ConfigurationBuilder()
            .Add(new TomlConfigurationSource(file))
            .Add(new SwitchyardEnvironmentSource(environment))
            .AddInMemoryCollection(normalizedFlags)
            .Build();
        var options = OptionsBinder.Bind<ServerOptions>(root);
        if (environment.Keys.FirstOrDefault(k => k.StartsWith("SWITCHYARD_PIPELINES__", StringComparison.OrdinalIgnoreCase)) is { } variable)
            throw new InvalidDataException($"environment variable {variable}: pipelines are read from yard.toml ([pipelines.NAME]) or pipelines_dir, not from the environment");
        if (System.IO.File.Exists(file) && TomlJson.Parse(System.IO.File.ReadAllText(file), file)["pipelines"] is { } pipelines)
        {
            if (pipelines is not System.Text.Json.Nodes.JsonObject table)
                throw new InvalidDataException($"{file}: pipelines must be a table of [pipelines.NAME] tables");
            foreach (var (name, pipeline) in table)
                options.Pipelines[name] = pipeline as System.Text.Json.Nodes.JsonObject
                    ?? throw new InvalidDataException($"{file}: pipelines.{name} must be a table ([pipelines.{name}])");
        }
        // Checked at start, so a family that could never dispatch (no event, pipeline or url) is refused up front.
        if (options.Queue.Problems() is { Count: > 0 } problems)
            throw new InvalidDataException(string.Join(Environment.NewLine, problems.Select(p => $"{file}: {p}")));
        if (options.Retention.Problems(options.DedupWindow) is { Count: > 0 } retention)
            throw new InvalidDataException(string.Join(Environment.NewLine, retention.Select(p => $"{file}: {p}")));
        return new SwitchyardConfiguration(root, options, file);
    }

    /// <summary>Every option with its effective value (secrets masked) and the source that set it.</summary>
    public IReadOnlyList<(string Key, string Value, string Source)> Describe()
    {
        var rows = new List<(string, string, string)>();
        foreach (var property in typeof(ServerOptions).GetProperties().Where(p => p.CanWrite))
        {
            var value = property.GetValue(Options);
            var text = value switch
            {
                null => "",
                TimeSpan t => ConfigDuration.Format(t),
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
            };
            if (SecretKeys.Contains(property.Name) && text.Length > 0) text = Mask(text);
            // URLs with credentials in them: the password part is a secret, the rest helps debugging.
            if (property.Name is nameof(ServerOptions.Store) or nameof(ServerOptions.Redis) or nameof(ServerOptions.OtlpEndpoint)) text = MaskPassword(text);
            rows.Add((property.Name, text, SourceOf(property.Name)));
        }
        return rows;
    }

    private string SourceOf(string key)
    {
        foreach (var provider in Root.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
                return provider switch
                {
                    Microsoft.Extensions.Configuration.Memory.MemoryConfigurationProvider => "flag",
                    _ => provider.ToString() ?? "config",
                };
        }
        return "default";
    }

    /// <summary>Hides the password of a database, Redis or OTLP URL or connection string (also <c>redis://:pass@host</c>,
    /// which has no user name).</summary>
    public static string MaskPassword(string store) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(store, "(://[^:/@]*:)[^@]*@", "$1****@"),
            "(?i)(password=)[^;]*", "$1****");

    private static string Mask(string secret) =>
        string.Join(",", secret.Split(',').Select(s => s.Length <= 4 ? "****" : s[..4] + new string('*', Math.Min(8, s.Length - 4))));
}
