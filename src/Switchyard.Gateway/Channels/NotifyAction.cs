namespace Switchyard.Gateway.Channels;

/// <summary>A button under a notification. Pressing it emits <c>gateway/action.received</c> with <paramref name="Data"/>.</summary>
/// <param name="Label">Button text (at most 40 characters).</param>
/// <param name="Data">Callback payload (at most 64 bytes, Telegram's limit).</param>
public sealed record NotifyAction(string Label, string Data);
