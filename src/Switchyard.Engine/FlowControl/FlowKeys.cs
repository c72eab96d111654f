using System.Globalization;
using Switchyard.Engine.Expressions;

namespace Switchyard.Engine.FlowControl;

/// <summary>Evaluates flow-control key expressions against an event. A key that cannot be evaluated becomes the
/// literal text <c>&lt;error&gt;</c>, so such events still share one bucket instead of escaping the limit.</summary>
public sealed class FlowKeys(ExpressionEvaluator expressions)
{
    /// <summary>The key value (empty when there is no key expression).</summary>
    public string Evaluate(string? expression, IDictionary<string, object?> variables)
    {
        if (string.IsNullOrWhiteSpace(expression)) return "";
        var (value, error) = expressions.Evaluate(expression, variables);
        if (error is not null) return "<error>";
        return value switch
        {
            null => "null",
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>A kv key for a function and key value; the unit separator keeps the parts apart.</summary>
    public static string Scoped(string functionId, string key) => functionId + "\u001f" + key;

    /// <summary>Evaluates an integer expression (priority), clamped.</summary>
    public long Integer(string expression, IDictionary<string, object?> variables, long min, long max)
    {
        var (value, _) = expressions.Evaluate(expression, variables);
        var n = value switch { long l => l, int i => i, double d => (long)d, _ => 0L };
        return Math.Clamp(n, min, max);
    }
}
