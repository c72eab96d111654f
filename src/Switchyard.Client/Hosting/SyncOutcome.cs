namespace Switchyard.Client.Hosting;

/// <summary>One sync attempt's outcome (the built-in worker reports its last one).</summary>
/// <param name="At">When it ended.</param>
/// <param name="Ok">The app registered.</param>
/// <param name="Message">The server's message, or what went wrong.</param>
public sealed record SyncOutcome(DateTimeOffset At, bool Ok, string Message);
