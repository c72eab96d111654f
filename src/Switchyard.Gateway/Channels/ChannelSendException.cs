namespace Switchyard.Gateway.Channels;

/// <summary>A send the platform refused or that did not reach it.</summary>
public sealed class ChannelSendException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChannelSendException() : this("send failed", true)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChannelSendException(string message) : this(message, true)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChannelSendException(string message, Exception? innerException) : base(message, innerException) => Retryable = true;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, with the platform's words.</param>
    /// <param name="retryable">False when trying again cannot help (bad token, unknown chat).</param>
    /// <param name="innerException">The cause.</param>
    public ChannelSendException(string message, bool retryable, Exception? innerException = null) : base(message, innerException) => Retryable = retryable;

    /// <summary>Whether a retry may succeed.</summary>
    public bool Retryable { get; }
}
