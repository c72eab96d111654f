using Switchyard.Configuration;

namespace Switchyard.Engine.Execution;

/// <summary>Exponential backoff with jitter: base × 2^attempt, capped, plus up to 20 % jitter so that runs failing
/// together do not retry together. A <c>retry-after</c> from the app wins, clamped to 1 s … 24 h.</summary>
public sealed class RetryPolicy(ServerOptions options)
{
    /// <summary>Delay before attempt <paramref name="nextAttempt"/> (1-based count of retries so far).</summary>
    public TimeSpan Delay(int nextAttempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra) return TimeSpan.FromTicks(Math.Clamp(ra.Ticks, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(24).Ticks));
        var exponent = Math.Min(Math.Max(nextAttempt - 1, 0), 30);
        var ms = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (1 + Random.Shared.NextDouble() * 0.2));
    }
}
