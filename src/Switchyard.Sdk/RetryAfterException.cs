namespace Switchyard.Sdk;

/// <summary>Thrown by a function or step to be retried no sooner than a given delay or instant (e.g. when a
/// downstream API rate-limits). It still counts as an attempt.</summary>
public class RetryAfterException : Exception
{
    /// <summary>Creates the exception asking for a retry after one second.</summary>
    public RetryAfterException() : this("Retry requested.", TimeSpan.FromSeconds(1)) { }

    /// <summary>Creates the exception asking for a retry after one second.</summary>
    /// <param name="message">Why the attempt failed.</param>
    public RetryAfterException(string message) : this(message, TimeSpan.FromSeconds(1)) { }

    /// <summary>Creates the exception asking for a retry after one second.</summary>
    /// <param name="message">Why the attempt failed.</param>
    /// <param name="innerException">The cause.</param>
    public RetryAfterException(string message, Exception? innerException) : base(message, innerException) => Delay = TimeSpan.FromSeconds(1);

    /// <summary>Creates the exception asking for a retry after <paramref name="delay"/>.</summary>
    /// <param name="message">Why the attempt failed.</param>
    /// <param name="delay">Minimum wait before the next attempt.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RetryAfterException(string message, TimeSpan delay, Exception? innerException = null) : base(message, innerException) => Delay = delay;

    /// <summary>Creates the exception asking for a retry at or after <paramref name="retryAt"/>.</summary>
    /// <param name="message">Why the attempt failed.</param>
    /// <param name="retryAt">Earliest instant of the next attempt.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RetryAfterException(string message, DateTimeOffset retryAt, Exception? innerException = null) : base(message, innerException) => RetryAt = retryAt;

    /// <summary>Minimum wait before the next attempt, when given as a delay.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>Earliest instant of the next attempt, when given as an instant.</summary>
    public DateTimeOffset? RetryAt { get; }
}
