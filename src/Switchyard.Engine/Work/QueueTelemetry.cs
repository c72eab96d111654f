using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;

namespace Switchyard.Engine.Work;

/// <summary>The work queue's telemetry (component <c>queue</c>): <c>queue.item.enqueued|dispatched|failed|deduplicated</c>
/// and <c>queue.family.paused|resumed|expired</c>, each written when its transaction commits.</summary>
public sealed class QueueTelemetry(TelemetrySink sink)
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

    private void Record(IStoreTransaction tx, string action, string level, bool? success, string? error, JsonObject metadata, string? eventId) =>
        sink.RecordOnCommit(tx, new TelemetryRecord(Ulid.NewUlid().ToString(), tx.Now, tx.Now, level, TelemetrySink.Source, Component, action, null,
            success, error, metadata.ToJsonString(), null, null, null, eventId));
}
