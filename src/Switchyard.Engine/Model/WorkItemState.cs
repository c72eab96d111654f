namespace Switchyard.Engine.Model;

/// <summary>Where a work-queue item is in its life.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<WorkItemState>))]
public enum WorkItemState
{
    /// <summary>Waiting to be dispatched (also between retries).</summary>
    [WireName("queued")]
    Queued,
    /// <summary>Dispatched; its handler has not finished (an http handler waiting for the answer).</summary>
    [WireName("active")]
    Active,
    /// <summary>Its handler finished: the event was sent, the pipeline launch recorded, or the URL answered 2xx.</summary>
    [WireName("done")]
    Done,
    /// <summary>Every attempt failed (or it could never run, e.g. no pipeline launcher).</summary>
    [WireName("failed")]
    Failed,
}
