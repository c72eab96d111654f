namespace Switchyard.Gateway.State;

/// <summary>Why and since when a channel is muted.</summary>
/// <param name="Reason">The operator's reason.</param>
/// <param name="At">When it was muted (Unix ms).</param>
public sealed record MuteInfo(string Reason, long At);
