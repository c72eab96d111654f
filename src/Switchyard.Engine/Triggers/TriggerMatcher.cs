using System.Text.Json.Nodes;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Triggers;

/// <summary>Decides, for one event, what happens with every function whose trigger names it: matched, expression
/// false (with the evaluation error, if any), or paused. Pure CPU work, done outside the write transaction.</summary>
public sealed class TriggerMatcher(FunctionRegistry registry, ExpressionEvaluator expressions)
{
    /// <summary>Verdicts for an event; one per candidate function.</summary>
    public IReadOnlyList<TriggerMatch> Match(string eventName, JsonObject eventJson)
    {
        var candidates = registry.Current.Triggers.Match(eventName);
        if (candidates.Count == 0) return [];
        var results = new List<TriggerMatch>(candidates.Count);
        Dictionary<string, object?>? variables = null;
        foreach (var group in candidates.GroupBy(c => c.Function.Id, StringComparer.Ordinal))
        {
            var fn = group.First().Function;
            if (fn.Paused)
            {
                results.Add(new TriggerMatch(fn, DecisionOutcome.Paused, "function is paused (yard pause --resume to resume)"));
                continue;
            }
            TriggerMatch? verdict = null;
            foreach (var candidate in group)
            {
                var expression = candidate.Trigger.Expression;
                if (string.IsNullOrWhiteSpace(expression))
                {
                    verdict = new TriggerMatch(fn, DecisionOutcome.Matched, $"trigger '{candidate.Trigger.Event}' matched");
                    break;
                }
                variables ??= new Dictionary<string, object?> { ["event"] = CelValues.From(eventJson) };
                var result = expressions.Condition(expression, variables);
                if (result.Matched)
                {
                    verdict = new TriggerMatch(fn, DecisionOutcome.Matched, $"trigger '{candidate.Trigger.Event}' matched and `{expression}` was true");
                    break;
                }
                verdict = new TriggerMatch(fn, DecisionOutcome.ExpressionFalse, result.Error is null
                    ? $"`{expression}` was false"
                    : $"`{expression}` could not be evaluated ({result.Error}); a failed condition does not match");
            }
            results.Add(verdict!);
        }
        return results;
    }
}
