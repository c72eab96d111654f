namespace Switchyard.Protocol.Steps;

/// <summary>Tracks repeats of user step ids within one execution so that each occurrence gets its own hash.
/// Not thread-safe; one instance per function invocation.</summary>
public sealed class StepIdCounter
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    /// <summary>Returns the hash and repeat index for the next occurrence of <paramref name="userId"/>.</summary>
    public (string Hash, int Index) Next(string userId)
    {
        var index = _seen.TryGetValue(userId, out var n) ? n : 0;
        _seen[userId] = index + 1;
        return (StepId.Hash(userId, index), index);
    }
}
