using System.Globalization;
using Tomlyn.Model;

namespace Switchyard.Configuration;

/// <summary>Typed reads of one table of a TOML file (<c>gateway.toml</c>, <c>supervisor.toml</c>), with the rules of
/// <c>yard.toml</c>: every problem is an <see cref="InvalidDataException"/> naming <c>file: table.key</c>, unknown keys
/// are errors with the nearest valid key, durations use <see cref="ConfigDuration"/>, and secrets may come from the
/// environment. Those files keep their own readers over TOML values rather than the flattened
/// <c>IConfiguration</c> because their meaning depends on TOML types (a preflight string runs through a shell, an
/// array does not).</summary>
/// <param name="table">The table read.</param>
/// <param name="section">Its dotted name (<c>services.web</c>); empty for the file's root.</param>
/// <param name="where">The file, for messages.</param>
/// <param name="baseDirectory">What relative paths resolve against.</param>
/// <param name="environment">Variables consulted by <see cref="Secret"/>.</param>
public sealed class TomlTableReader(TomlTable table, string section, string where, string baseDirectory, IReadOnlyDictionary<string, string>? environment = null)
{
    /// <summary>What relative paths resolve against.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    /// <summary>The table's dotted name.</summary>
    public string Section { get; } = section;

    /// <summary>The keys present.</summary>
    public IEnumerable<string> Keys => table.Keys;

    /// <summary>An error about <paramref name="key"/>: <c>file: section.key problem</c>.</summary>
    public InvalidDataException Error(string key, string problem) => new($"{where}: {Name(key)} {problem}");

    /// <summary>A reader of the sub-table <paramref name="key"/>, or null when absent.</summary>
    public TomlTableReader? Table(string key) => Raw(key) switch
    {
        null => null,
        TomlTable t => new TomlTableReader(t, Name(key), where, BaseDirectory, environment),
        _ => throw Error(key, $"must be a table ([{Name(key)}])"),
    };

    /// <summary>Throws for the first key not in <paramref name="known"/>, suggesting the nearest one.</summary>
    public void RejectUnknown(IReadOnlyCollection<string> known, string? what = null)
    {
        foreach (var key in table.Keys.Where(k => !known.Contains(k)))
            throw new InvalidDataException(
                $"{where}: unknown key {Name(key)}{NearestKey.Hint(key, known)}: not a key of {what ?? (Section.Length == 0 ? "the file" : $"[{Section}]")} (known: {string.Join(", ", known)})");
    }

    /// <summary>The raw TOML value, or null.</summary>
    public object? Raw(string key) => table.TryGetValue(key, out var v) ? v : null;

    /// <summary>A string.</summary>
    public string? String(string key) => Raw(key) switch
    {
        null => null,
        string s => s,
        _ => throw Error(key, "must be a string"),
    };

    /// <summary>A secret: the environment variable <paramref name="variable"/> when set and not empty (so that
    /// secrets need not be written into the file), else the file's string.</summary>
    public string? Secret(string key, string variable) =>
        environment?.GetValueOrDefault(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : String(key);

    /// <summary>A string or an integer read as text (chat ids are often written as numbers).</summary>
    public string? Scalar(string key) => Raw(key) switch
    {
        null => null,
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => throw Error(key, "must be a string or an integer"),
    };

    /// <summary>true or false.</summary>
    public bool? Bool(string key) => Raw(key) switch
    {
        null => null,
        bool b => b,
        _ => throw Error(key, "must be true or false"),
    };

    /// <summary>An integer within bounds.</summary>
    public long? Long(string key, long min, long max) => Raw(key) switch
    {
        null => null,
        long l when l >= min && l <= max => l,
        _ => throw Error(key, $"must be an integer from {min} to {max}"),
    };

    /// <summary>An integer within bounds.</summary>
    public int? Int(string key, int min, int max) => (int?)Long(key, min, max);

    /// <summary>A duration string in the <see cref="ConfigDuration"/> grammar; a TOML number is refused as a bare number.</summary>
    public TimeSpan? Duration(string key)
    {
        var raw = Raw(key);
        if (raw is null) return null;
        var text = raw switch { string s => s, long or double => Convert.ToString(raw, CultureInfo.InvariantCulture), _ => null };
        return ConfigDuration.TryParse(text, out var value, out var problem) ? value : throw Error(key, $"must be {ConfigDuration.Expected}: {problem}");
    }

    /// <summary>A duration greater than zero.</summary>
    public TimeSpan? PositiveDuration(string key)
    {
        var duration = Duration(key);
        return duration is { } d && d <= TimeSpan.Zero ? throw Error(key, "must be greater than zero") : duration;
    }

    /// <summary>An absolute http(s) URL; null when absent or empty.</summary>
    public Uri? Url(string key) => String(key) is { Length: > 0 } text ? HttpUrl(key, text) : null;

    /// <summary>Parses <paramref name="text"/> as an absolute http(s) URL for <paramref name="key"/>.</summary>
    public Uri HttpUrl(string key, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw Error(key, $"must be an absolute http(s) URL, not '{text}'");

    /// <summary>A path, with <c>~</c> expanded and relative paths resolved against <see cref="BaseDirectory"/>.</summary>
    public string? Path(string key) => String(key) is { Length: > 0 } p ? Resolve(p) : null;

    /// <summary>A list of strings (integers are read as text).</summary>
    public IReadOnlyList<string> List(string key) => Raw(key) switch
    {
        null => [],
        TomlArray a => a.Select(x => x switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => throw Error(key, "must hold strings or integers"),
        }).ToArray(),
        _ => throw Error(key, "must be a list"),
    };

    /// <summary>A table of strings (numbers and booleans are read as text), e.g. <c>env = { KEY = "value" }</c>.</summary>
    public IReadOnlyDictionary<string, string> StringTable(string key)
    {
        switch (Raw(key))
        {
            case null: return new Dictionary<string, string>();
            case TomlTable t:
                var vars = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, v) in t)
                    vars[k] = v switch
                    {
                        string s => s,
                        long or double or bool => Convert.ToString(v, CultureInfo.InvariantCulture)!.ToLowerInvariant(),
                        _ => throw Error($"{key}.{k}", "must be a string, number or boolean"),
                    };
                return vars;
            default: throw Error(key, "must be a table, e.g. env = { KEY = \"value\" }");
        }
    }

    private string Name(string key) => Section.Length == 0 ? key : $"{Section}.{key}";

    private string Resolve(string p)
    {
        if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal))
            p = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p.Length > 2 ? p[2..] : "");
        return System.IO.Path.GetFullPath(p, BaseDirectory);
    }
}
