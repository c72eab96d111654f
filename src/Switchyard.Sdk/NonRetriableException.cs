namespace Switchyard.Sdk;

/// <summary>Thrown by a function or step to fail at once, without the remaining retries.</summary>
public class NonRetriableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public NonRetriableException() : base("The function failed and must not be retried.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the function failed.</param>
    public NonRetriableException(string message) : base(message) { }

    /// <summary>Creates the exception around its cause.</summary>
    /// <param name="message">Why the function failed.</param>
    /// <param name="innerException">The cause.</param>
    public NonRetriableException(string message, Exception? innerException) : base(message, innerException) { }
}
