using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;

namespace Switchyard.Engine.Work;

/// <summary>The work queue's telemetry (component <c>queue</c>): <c>queue.item.enqueued|dispatched|failed|deduplicated</c>
/// and <c>queue.family.paused|resumed|expired</c>, each written when its transaction commits. An item's <c>enqueued</c>
/// and <c>dispatched</c> are <c>debug</c>: at thousands of items a second they are a flood, and are sampled like any
/// component's debug events (<see cref="TelemetrySampler"/>); failures, dedups and family events are never sampled.</summary>
public sealed class QueueTelemetry(TelemetrySink sink, TelemetrySampler sampler)
{
    /// <summary>The <c>component</c> of every record.</summary>
    public const string Component = "queue";

    /// <summary>Records an item's transition; <paramref name="eventId"/> is the bus event it sent, if any, so
    /// <c>yard trace</c> of that event finds the record.</summary>
    public void Item(IStoreTransaction tx, string action, WorkItem item, string level = TelemetryLevel.Info, bool? success = null,
        string? error = null, string? eventId = null, JsonObject? extra = null)
    {
        var metadata = new JsonObject
        {
            ["itemId"] = item.Id,
            ["family"] = item.Family,
            ["priority"] = item.Priority.ToString(),
            ["attempt"] = item.Attempt,
            ["waitedMs"] = tx.Now - item.EnqueuedAt,
        };
        if (item.DedupKey is not null) metadata["dedupKey"] = item.DedupKey;
        if (eventId is not null) metadata["eventId"] = eventId;
        foreach (var (k, v) in extra ?? []) metadata[k] = v?.DeepClone();
        Record(tx, action, level, success, error, metadata, eventId);
    }

    /// <summary>Records a family's pause, resume or expiry.</summary>
    public void Family(IStoreTransaction tx, string action, string family, string? reason, long? until)
    {
        var metadata = new JsonObject { ["family"] = family };
        if (reason is not null) metadata["reason"] = reason;
        if (until is not null) metadata["until"] = until;
        Record(tx, action, TelemetryLevel.Info, null, null, metadata, null);
    }

    private void Record(IStoreTransaction tx, string action, string level, bool? success, string? error, JsonObject metadata, string? eventId)
    {
        var record = new TelemetryRecord(Ulid.NewUlid().ToString(), tx.Now, tx.Now, level, TelemetrySink.Source, Component, action, null,
            success, error, metadata.ToJsonString(), null, null, null, eventId);
        if (sampler.Keep(record)) sink.Record(tx, record);
    }
}
