namespace Switchyard.Sdk.Testing;

/// <summary>How a run in the test host ended.</summary>
public enum TestRunStatus
{
    /// <summary>The function returned.</summary>
    Completed,

    /// <summary>The function failed for good: retries exhausted, or a <see cref="NonRetriableException"/>.</summary>
    Failed,
}
