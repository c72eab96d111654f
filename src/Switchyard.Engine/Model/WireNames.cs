using System.Reflection;

namespace Switchyard.Engine.Model;

/// <summary>Converts the engine's kind and status enums to and from their wire names (<see cref="WireNameAttribute"/>,
/// else the member name). Stores write wire names and read them back, so databases written before the enums existed
/// keep working; JSON uses them through <see cref="WireEnumConverter{T}"/>.</summary>
public static class WireNames
{
    /// <summary>The wire name of <paramref name="value"/>.</summary>
    public static string ToWire<T>(this T value) where T : struct, Enum =>
        Map<T>.ToName.TryGetValue(value, out var name) ? name : value.ToString();

    /// <summary>Parses a wire name.</summary>
    /// <exception cref="FormatException">Not a wire name of <typeparamref name="T"/> (a corrupt or newer store).</exception>
    public static T Parse<T>(string text) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new FormatException($"'{text}' is not a {typeof(T).Name}; expected one of {string.Join(", ", Map<T>.FromName.Keys)}");

    /// <summary>Parses a wire name; false when it is not one.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        if (text is not null && Map<T>.FromName.TryGetValue(text, out value)) return true;
        value = default;
        return false;
    }

    /// <summary>Every wire name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Map<T>.Names;

    private static class Map<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ToName = [];
        public static readonly Dictionary<string, T> FromName = new(StringComparer.Ordinal);
        public static readonly List<string> Names = [];

        static Map()
        {
            foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var value = (T)field.GetValue(null)!;
                var name = field.GetCustomAttribute<WireNameAttribute>()?.Name ?? field.Name;
                ToName[value] = name;
                FromName[name] = value;
                Names.Add(name);
            }
        }
    }
}
