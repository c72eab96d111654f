namespace Switchyard.Sdk;

/// <summary>Why a run failed for good, as a failure handler receives it.</summary>
/// <param name="Name">The error's name (the exception type for C# functions, e.g. <c>InvalidOperationException</c>).</param>
/// <param name="Message">The error message.</param>
/// <param name="Stack">The stack trace, when the failed function reported one.</param>
public sealed record FunctionFailure(string Name, string Message, string? Stack);
