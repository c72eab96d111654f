using System.Threading.RateLimiting;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>Counts failed verifications per remote address in a sliding window; past the limit the address gets 429
/// until old failures age out, which makes guessing a secret by brute force impractical.</summary>
public sealed class WebhookFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    /// <summary>Creates the limiter from <see cref="WebhookOptions.FailureLimit"/> and <see cref="WebhookOptions.FailureWindow"/>.</summary>
    public WebhookFailureLimiter(WebhookOptions options)
    {
        var window = options.FailureWindow > TimeSpan.Zero ? options.FailureWindow : TimeSpan.FromSeconds(60);
        var limit = Math.Max(1, options.FailureLimit);
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            // 12 segments: failures age out within a twelfth of the window of the exact time. The partitioned
            // limiter slides windows on its own 100 ms heartbeat, so windows under ~1.2 s last about that long.
            SegmentsPerWindow = 12,
            QueueLimit = 0,
        }));
    }

    /// <summary>Null when <paramref name="address"/> may try; otherwise how long until it may (at least 1 s).</summary>
    public TimeSpan? Blocked(string address)
    {
        // Acquiring zero permits asks whether any are left without using one.
        using var lease = _limiter.AttemptAcquire(address, 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.FromSeconds(1) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>Records a failed verification from <paramref name="address"/>.</summary>
    public void Failed(string address)
    {
        using var lease = _limiter.AttemptAcquire(address, 1);
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
