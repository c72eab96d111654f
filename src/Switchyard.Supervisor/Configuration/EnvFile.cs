using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Supervisor.Configuration;

/// <summary>Reads <c>KEY=value</c> files as shells and dotenv tools write them: blank lines and <c>#</c> comments are
/// skipped, an <c>export </c> prefix is accepted, values may be single-quoted (literal), double-quoted (with
/// <c>\n \t \" \\</c> escapes) or bare (a trailing <c> #comment</c> is dropped).</summary>
public static partial class EnvFile
{
    /// <summary>The variables of <paramref name="text"/>, later lines winning. Throws <see cref="InvalidDataException"/>
    /// naming the line of the first malformed entry, so a typo does not silently drop a secret.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string name = "env file")
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("export\t", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new InvalidDataException($"{name} line {i + 1}: expected KEY=value");
            var key = line[..eq].Trim();
            if (!Key().IsMatch(key)) throw new InvalidDataException($"{name} line {i + 1}: '{key}' is not a variable name");
            vars[key] = Value(line[(eq + 1)..].Trim(), name, i + 1);
        }
        return vars;
    }

    /// <summary>Reads and parses a file.</summary>
    public static IReadOnlyDictionary<string, string> Load(string path) => Parse(File.ReadAllText(path), path);

    private static string Value(string raw, string name, int line)
    {
        if (raw.Length == 0) return "";
        if (raw[0] == '\'')
        {
            var end = raw.IndexOf('\'', 1);
            if (end < 0) throw new InvalidDataException($"{name} line {line}: unterminated single quote");
            return raw[1..end];
        }
        if (raw[0] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '"') return sb.ToString();
                if (c == '\\' && i + 1 < raw.Length)
                {
                    var next = raw[++i];
                    sb.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                }
                else sb.Append(c);
            }
            throw new InvalidDataException($"{name} line {line}: unterminated double quote");
        }
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        return (comment >= 0 ? raw[..comment] : raw).TrimEnd();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Key();
}
