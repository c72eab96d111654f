namespace Switchyard.Server.Execution;

/// <summary>Kinds of queue items.</summary>
public static class QueueItemKind
{
    /// <summary>Call the app (discovery when the step is <c>step</c>, else execute that planned step).</summary>
    public const string Call = "call";
    /// <summary>A sleep ends.</summary>
    public const string Sleep = "sleep";
    /// <summary>A waitForEvent or invoke times out.</summary>
    public const string WaitTimeout = "wait-timeout";
}
