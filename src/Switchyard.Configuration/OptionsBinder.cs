using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Configuration;

/// <summary>Binds options with the stock binder after a strict pass of its own: every key must name a property
/// (else an error naming the key, its file or variable, and the nearest valid key), every value must convert, and
/// every <see cref="TimeSpan"/> goes through <see cref="ConfigDuration"/> instead of <c>TimeSpan.Parse</c>, which
/// reads <c>30</c> as thirty days.</summary>
public static partial class OptionsBinder
{
    /// <summary>Checks <paramref name="root"/> against <typeparamref name="T"/> and binds a new instance.</summary>
    /// <exception cref="InvalidDataException">One line per problem.</exception>
    public static T Bind<T>(IConfigurationRoot root) where T : new()
    {
        var checkedValues = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        Walk(root, root, null, "", typeof(T), checkedValues, problems);
        if (problems.Count > 0) throw new InvalidDataException(string.Join(Environment.NewLine, problems));
        var options = new T();
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(checkedValues).Build().Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException($"invalid configuration value: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        return options;
    }

    /// <summary><c>DataDir</c> → <c>data_dir</c>: how keys are written in TOML.</summary>
    public static string SnakeCase(string name) => UpperAfterLower().Replace(name, "$1_$2").ToLowerInvariant();

    private static void Walk(IConfigurationRoot root, IConfiguration section, string? path, string snakePath, Type type,
        Dictionary<string, string?> values, List<string> problems)
    {
        var properties = Bindable(type);
        foreach (var child in section.GetChildren())
        {
            var childSnake = snakePath.Length == 0 ? "" : snakePath + ".";
            if (!properties.TryGetValue(ConfigKey.Normalize(child.Key), out var property))
            {
                var origin = OriginOf(root, path, child.Key);
                var known = properties.Values.Select(p => childSnake + SnakeCase(p.Name)).ToList();
                var hint = NearestKey.Find(childSnake + child.Key, known) is { } near ? $" (did you mean {origin?.Spell(near) ?? near}?)" : "";
                problems.Add($"{origin?.Describe(child.Path) ?? child.Path} is not a setting{hint}");
                continue;
            }
            // Raw tables are documents read by their own parser (see SwitchyardConfiguration.Load), not options.
            if (property.GetCustomAttributes(typeof(RawTableAttribute), false).Length > 0) continue;
            Check(root, child, childSnake + SnakeCase(property.Name), property.PropertyType, values, problems);
        }
    }

    private static void Check(IConfigurationRoot root, IConfigurationSection child, string snake, Type type,
        Dictionary<string, string?> values, List<string> problems)
    {
        string Where() => OriginOf(root, ParentOf(child.Path), child.Key)?.Describe(child.Path) ?? snake;
        var hasChildren = child.GetChildren().Any();
        if (DictionaryValueType(type) is { } valueType)
        {
            if (child.Value is not null && !hasChildren) problems.Add($"{Where()} must be a table");
            foreach (var entry in child.GetChildren()) Check(root, entry, $"{snake}.{entry.Key}", valueType, values, problems);
            return;
        }
        if (IsScalar(type))
        {
            if (hasChildren)
            {
                problems.Add($"{Where()} must be a value, not a table");
                return;
            }
            var text = child.Value;
            if (type == typeof(TimeSpan))
            {
                if (ConfigDuration.TryParse(text, out var span, out var problem)) values[child.Path] = span.ToString("c", CultureInfo.InvariantCulture);
                else problems.Add($"{Where()}: {problem}");
                return;
            }
            if (type != typeof(string) && !string.IsNullOrEmpty(text) && !Converts(type, text))
            {
                problems.Add($"{Where()}: '{text}' is not {Describe(type)}");
                return;
            }
            values[child.Path] = text;
            return;
        }
        if (child.Value is not null && !hasChildren)
        {
            problems.Add($"{Where()} must be a table");
            return;
        }
        Walk(root, child, child.Path, snake, type, values, problems);
    }

    private static Dictionary<string, PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || DictionaryValueType(p.PropertyType) is not null))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri)
        || (Nullable.GetUnderlyingType(type) is { } inner && IsScalar(inner));

    private static bool Converts(Type type, string text)
    {
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t.IsEnum => "one of " + string.Join(", ", Enum.GetNames(t).Select(SnakeCase)),
        var t => $"a valid {t.Name}",
    };

    private static string? ParentOf(string path) => path.Contains(':', StringComparison.Ordinal) ? path[..path.LastIndexOf(':')] : null;

    /// <summary>The last provider (highest precedence) that set <paramref name="key"/> under <paramref name="parent"/>.</summary>
    private static IKeyOrigin? OriginOf(IConfigurationRoot root, string? parent, string key) =>
        root.Providers.Reverse()
            .FirstOrDefault(p => p.GetChildKeys([], parent).Contains(key, StringComparer.OrdinalIgnoreCase)) switch
        {
            IKeyOrigin origin => origin,
            null => null,
            _ => new Unnamed("flag"),
        };

    /// <summary>Providers without user spelling (the flags).</summary>
    private sealed class Unnamed(string name) : IKeyOrigin
    {
        public string Describe(string path) => $"{name} {path}";
        public string Spell(string snakePath) => snakePath;
    }

    [GeneratedRegex("([a-z0-9])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex UpperAfterLower();
}
