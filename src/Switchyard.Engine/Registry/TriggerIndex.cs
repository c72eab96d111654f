using Switchyard.Protocol.Functions;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Registry;

/// <summary>Immutable lookup from an event name to the functions whose triggers name it: exact names in a
/// dictionary, <c>prefix/*</c> wildcards in a list. Rebuilt on every sync and swapped atomically.</summary>
public sealed class TriggerIndex
{
    private readonly Dictionary<string, List<TriggerCandidate>> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, TriggerCandidate Candidate)> _wildcards = [];

    /// <summary>An empty index.</summary>
    public static TriggerIndex Empty { get; } = new([]);

    /// <summary>Builds the index for the functions that own their id (see <see cref="FunctionRegistry"/>).</summary>
    public TriggerIndex(IEnumerable<FunctionRecord> functions)
    {
        foreach (var fn in functions)
        {
            foreach (var trigger in fn.Config.Triggers)
            {
                if (string.IsNullOrEmpty(trigger.Event)) continue;
                var candidate = new TriggerCandidate(fn, trigger);
                if (trigger.Event.EndsWith('*'))
                {
                    _wildcards.Add((trigger.Event[..^1], candidate));
                }
                else
                {
                    if (!_exact.TryGetValue(trigger.Event, out var list)) _exact[trigger.Event] = list = [];
                    list.Add(candidate);
                }
            }
        }
    }

    /// <summary>Every (function, trigger) whose event pattern matches <paramref name="eventName"/>.</summary>
    public IReadOnlyList<TriggerCandidate> Match(string eventName)
    {
        _exact.TryGetValue(eventName, out var exact);
        if (_wildcards.Count == 0) return (IReadOnlyList<TriggerCandidate>?)exact ?? [];
        var result = exact is null ? new List<TriggerCandidate>() : [.. exact];
        foreach (var (prefix, candidate) in _wildcards)
            if (eventName.StartsWith(prefix, StringComparison.Ordinal)) result.Add(candidate);
        return result;
    }

    /// <summary>Every distinct event name or pattern in the index (for "nearest names" hints).</summary>
    public IEnumerable<string> Patterns => _exact.Keys.Concat(_wildcards.Select(w => w.Prefix + "*"));
}

/// <summary>A function and the trigger of it that matched an event name.</summary>
public sealed record TriggerCandidate(FunctionRecord Function, TriggerConfig Trigger);
