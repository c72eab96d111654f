namespace Switchyard.Client.Models;

/// <summary>The body of every error answer of the REST, Event and telemetry APIs.</summary>
/// <param name="Error">Code and message.</param>
/// <param name="Status">The HTTP status again, for clients that only see the body.</param>
public sealed record ApiErrorBody(ApiErrorDetail Error, int Status);

/// <summary>What went wrong.</summary>
/// <param name="Code">Stable machine-readable code.</param>
/// <param name="Message">Human explanation naming the offending field.</param>
public sealed record ApiErrorDetail(string Code, string Message);
