using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Work;

/// <summary>Puts items on the work queue (<c>yard queue emit</c>, <c>POST /v1/queue/{family}</c>): checks the family,
/// applies its dedup window and stores the item, all in one group-committed transaction, so the item is durable
/// before the caller hears back and two emits racing with one dedup key store one item.</summary>
public sealed class QueueEmitter(IStore store, QueueFamilies families, QueueTelemetry telemetry, WorkSignal signal)
{
    /// <summary>kv namespace of dedup keys (<c>family␟key</c> → the first item's id), kept for the family's window.</summary>
    public const string DedupNamespace = "queue.dedup";

    /// <summary>Longest dedup key.</summary>
    public const int MaxDedupKeyLength = 512;

    /// <summary>Emits one item; a dedup key seen within the family's window answers the first item instead.</summary>
    /// <param name="family">A declared family.</param>
    /// <param name="data">The payload (a JSON object).</param>
    /// <param name="priority"><c>P0</c>..<c>P3</c>, or null for the family's priority.</param>
    /// <param name="dedupKey">Dedup key, or null to read the family's <c>dedup_path</c> from the payload.</param>
    /// <param name="cancellationToken">Cancels waiting for the commit.</param>
    public async Task<(QueueEmitResult? Result, EngineError? Error)> EmitAsync(string family, JsonObject? data, string? priority, string? dedupKey, CancellationToken cancellationToken)
    {
        if (families.Find(family) is not { } options) return (null, families.Unknown(family));
        if (data is null) return (null, EngineError.Invalid("invalid_data", "data is required and must be a JSON object"));
        var level = options.Priority;
        if (priority is not null && !WorkOrder.TryParse(priority, out level))
            return (null, EngineError.Invalid("invalid_priority", $"priority must be P0, P1, P2 or P3, not '{priority}'"));
        var key = options.DedupWindow > TimeSpan.Zero ? dedupKey ?? KeyAt(data, options.DedupPath) : null;
        if (key is { Length: > MaxDedupKeyLength }) return (null, EngineError.Invalid("invalid_dedup_key", $"dedupKey must be at most {MaxDedupKeyLength} characters"));

        var item = new WorkItem(Ulid.NewUlid().ToString(), family, level, data.ToJsonString(), key, WorkItemState.Queued, 0, 0, 0, null, null, 0, null, null, 0);
        var result = await store.WriteAsync(tx => Store(tx, item, options), cancellationToken);
        return (result, null);
    }

    private QueueEmitResult Store(IStoreTransaction tx, WorkItem item, QueueFamilyOptions options)
    {
        if (item.DedupKey is { } key)
        {
            // The check and the claim are one transaction (on PostgreSQL kv reads lock the key), so of two racing
            // emits exactly one stores the item.
            var dedupKey = item.Family + "\u001f" + key;
            if (tx.KvGet(DedupNamespace, dedupKey) is { } firstId && tx.GetWorkItem(firstId) is { } first)
            {
                var folded = first with { Deduplicated = first.Deduplicated + 1 };
                tx.UpdateWorkItem(folded);
                telemetry.Item(tx, "queue.item.deduplicated", folded, extra: new JsonObject { ["duplicates"] = folded.Deduplicated });
                return new QueueEmitResult(first.Id, first.Family, first.Priority.ToString(), true);
            }
            tx.KvPut(DedupNamespace, dedupKey, item.Id, tx.Now + (long)options.DedupWindow.TotalMilliseconds);
        }
        var stored = item with { EnqueuedAt = tx.Now, NotBefore = tx.Now };
        tx.InsertWorkItem(stored);
        telemetry.Item(tx, "queue.item.enqueued", stored, TelemetryLevel.Debug);
        tx.OnCommitted(signal.Wake);
        return new QueueEmitResult(stored.Id, stored.Family, stored.Priority.ToString(), false);
    }

    /// <summary>The value at a dotted path of the payload as text (strings as they are, other values as JSON), or null.</summary>
    private static string? KeyAt(JsonObject data, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        JsonNode? node = data;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        return node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }
}
