using Switchyard.Engine.Execution;
using Switchyard.Engine.Queue;

namespace Switchyard.Engine.Model;

/// <summary>Kinds of queue items.</summary>
public static class QueueItemKind
{
    /// <summary>Call the app (discovery when the step is <c>step</c>, else execute that planned step).</summary>
    public const string Call = "call";
    /// <summary>A sleep ends.</summary>
    public const string Sleep = "sleep";
    /// <summary>A waitForEvent or invoke times out.</summary>
    public const string WaitTimeout = "wait-timeout";
    /// <summary>A start or finish timeout of a run (step id <c>start</c> or <c>finish</c>).</summary>
    public const string Timeout = "timeout";
    /// <summary>A debounce period ends (payload: the debounce key).</summary>
    public const string Debounce = "debounce";
    /// <summary>A batch's timeout ends (payload: the batch key).</summary>
    public const string Batch = "batch";
}
