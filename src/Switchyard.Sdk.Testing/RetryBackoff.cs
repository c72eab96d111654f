namespace Switchyard.Sdk.Testing;

/// <summary>The server's retry delays with its default settings (the engine's <c>RetryPolicy</c> with
/// <c>retry_base_delay</c> 1 s and <c>retry_max_delay</c> 10 min): base × 2^(retry − 1), capped; a <c>retry-after</c>
/// from the function wins, clamped to 1 s … 24 h. The server adds up to 20 % jitter so that runs failing together do
/// not retry together; the test host adds none, so virtual times in tests are exact.</summary>
internal static class RetryBackoff
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>Delay before retry number <paramref name="nextAttempt"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(int nextAttempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra) return TimeSpan.FromTicks(Math.Clamp(ra.Ticks, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(24).Ticks));
        var exponent = Math.Min(Math.Max(nextAttempt - 1, 0), 30);
        return TimeSpan.FromMilliseconds(Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds));
    }
}
