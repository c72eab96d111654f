namespace Switchyard.Sdk;

/// <summary>Thrown into function code when a step failed for good (its retries are exhausted, it threw a
/// <see cref="NonRetriableException"/>, or an invoked function failed). Catch it to recover; left uncaught it fails
/// the run without retries.</summary>
public class StepFailedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public StepFailedException() : this("", "Error", "The step failed.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The step's error message.</param>
    public StepFailedException(string message) : this("", "Error", message) { }

    /// <summary>Creates the exception around its cause.</summary>
    /// <param name="message">The step's error message.</param>
    /// <param name="innerException">The cause.</param>
    public StepFailedException(string message, Exception? innerException) : base(message, innerException)
    {
        StepId = "";
        ErrorName = "Error";
    }

    /// <summary>Creates the exception for a step's recorded error.</summary>
    /// <param name="stepId">The step id as the function gave it.</param>
    /// <param name="errorName">Name of the original error (e.g. its exception type).</param>
    /// <param name="message">Message of the original error.</param>
    public StepFailedException(string stepId, string errorName, string message) : base(message)
    {
        StepId = stepId;
        ErrorName = errorName;
    }

    /// <summary>The step id as the function gave it.</summary>
    public string StepId { get; }

    /// <summary>Name of the original error, e.g. <c>InvalidOperationException</c>.</summary>
    public string ErrorName { get; }
}
