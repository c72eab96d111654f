namespace Switchyard.Sdk;

/// <summary>One attempt of <see cref="SwitchyardOptions.SyncOnStart"/> to register the app.</summary>
/// <param name="At">When it ended.</param>
/// <param name="Ok">The server registered the app.</param>
/// <param name="Message">The server's message, or what went wrong.</param>
public sealed record SyncAttempt(DateTimeOffset At, bool Ok, string Message);
