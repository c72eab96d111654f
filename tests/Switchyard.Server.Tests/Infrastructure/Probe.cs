using System.Collections.Concurrent;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>Counts how often test code ran, by key, so tests can assert exactly-once execution.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Hit(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    public int Count(string key) => _counts.GetValueOrDefault(key);
}
