namespace Switchyard.Engine.Model;

/// <summary>Kinds of queue items.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<QueueItemKind>))]
public enum QueueItemKind
{
    /// <summary>Call the app (discovery when the step is <c>step</c>, else execute that planned step).</summary>
    [WireName("call")]
    Call,
    /// <summary>A sleep ends.</summary>
    [WireName("sleep")]
    Sleep,
    /// <summary>A waitForEvent or invoke times out.</summary>
    [WireName("wait-timeout")]
    WaitTimeout,
    /// <summary>A start or finish timeout of a run (step id <c>start</c> or <c>finish</c>).</summary>
    [WireName("timeout")]
    Timeout,
    /// <summary>A debounce period ends (payload: the debounce key).</summary>
    [WireName("debounce")]
    Debounce,
    /// <summary>A batch's timeout ends (payload: the batch key).</summary>
    [WireName("batch")]
    Batch,
}
