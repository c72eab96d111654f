using System.Collections.Concurrent;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>Counts failed verifications per provider and client (the remote address, or the forwarded client behind a
/// trusted proxy) in a sliding window; past the limit that client gets 429 for that provider until its oldest failure
/// ages out, which makes guessing a secret by brute force impractical without letting one bad sender block every
/// provider's real deliveries.</summary>
/// <remarks>Written here rather than with <c>System.Threading.RateLimiting</c>: its sliding-window limiter does not
/// say when a permit frees up to a caller that only asks (it reported 1 s while a block lasted a minute), and a true
/// <c>Retry-After</c> needs exactly that. A failure log per key, trimmed as it is read, gives the exact time.</remarks>
public sealed class WebhookFailureLimiter(WebhookOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly TimeSpan _window = options.FailureWindow > TimeSpan.Zero ? options.FailureWindow : TimeSpan.FromSeconds(60);
    private readonly int _limit = Math.Max(1, options.FailureLimit);

    /// <summary>Null when <paramref name="client"/> may try <paramref name="provider"/>; otherwise how long until it
    /// may (whole seconds, at least 1).</summary>
    public TimeSpan? Blocked(string provider, string client)
    {
        if (!_failures.TryGetValue(Key(provider, client), out var log)) return null;
        lock (log)
        {
            var now = time.GetUtcNow();
            Trim(log, now);
            if (log.Count < _limit) return null;
            // Free again when enough of the oldest failures have aged out to go under the limit.
            var freedAt = log.ElementAt(log.Count - _limit) + _window;
            return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((freedAt - now).TotalSeconds)));
        }
    }

    /// <summary>Records a failed verification from <paramref name="client"/> for <paramref name="provider"/>.</summary>
    public void Failed(string provider, string client)
    {
        var log = _failures.GetOrAdd(Key(provider, client), _ => new Queue<DateTimeOffset>());
        lock (log)
        {
            var now = time.GetUtcNow();
            Trim(log, now);
            log.Enqueue(now);
        }
        // Keys of clients that stopped failing would otherwise stay forever.
        if (_failures.Count > 10_000) Sweep();
    }

    private void Trim(Queue<DateTimeOffset> log, DateTimeOffset now)
    {
        while (log.Count > 0 && log.Peek() + _window <= now) log.Dequeue();
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, log) in _failures)
            lock (log)
            {
                Trim(log, now);
                if (log.Count == 0) _failures.TryRemove(key, out _);
            }
    }

    private static string Key(string provider, string client) => provider.ToLowerInvariant() + "\u001f" + client;
}
