using System.Collections.Concurrent;
using Cel;

namespace Switchyard.Engine.Expressions;

/// <summary>Evaluates the CEL subset used by triggers, waits and flow-control keys, with <c>event</c> and
/// <c>async</c> as variables. Compiled programs are cached: compiling costs about twice an evaluation.
/// A missing field or a type error makes the expression fail; callers treat a failed condition as not
/// matching, as Inngest does, and record the error.</summary>
public sealed class ExpressionEvaluator
{
    private const int MaxCached = 10_000;
    // Built on first use: the CEL runtime (Cel, Antlr, Protobuf) costs memory a server whose functions use no
    // expressions never needs.
    private readonly Lazy<CelEnvironment> _env = new(() => new CelEnvironment(null, null));
    private readonly ConcurrentDictionary<string, CelProgramDelegate> _cache = new(StringComparer.Ordinal);

    /// <summary>Checks that an expression parses; <paramref name="error"/> says why not.</summary>
    public bool TryCompile(string expression, out string? error)
    {
        try
        {
            Compile(expression);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Evaluates a condition. The result is true only when the expression evaluates to boolean true.</summary>
    public ConditionResult Condition(string expression, IDictionary<string, object?> variables)
    {
        var result = Evaluate(expression, variables);
        if (result.Error is not null) return new ConditionResult(false, result.Error);
        return result.Value is true ? new ConditionResult(true, null) : new ConditionResult(false, null);
    }

    /// <summary>Evaluates an expression to a value (for keys).</summary>
    public (object? Value, string? Error) Evaluate(string expression, IDictionary<string, object?> variables)
    {
        try
        {
            return (Compile(expression)(variables!), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (null, ex.Message);
        }
    }

    private CelProgramDelegate Compile(string expression)
    {
        if (_cache.TryGetValue(expression, out var program)) return program;
        program = _env.Value.Compile(expression);
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[expression] = program;
        return program;
    }
}
