namespace Switchyard.Worker.Health;

/// <summary>An expected function that does not run where it should.</summary>
/// <param name="FunctionId">The function id.</param>
/// <param name="ExpectedApp">The app expected to own it, when known.</param>
/// <param name="Reason">What is wrong.</param>
internal sealed record MissingFunction(string FunctionId, string? ExpectedApp, string Reason);
