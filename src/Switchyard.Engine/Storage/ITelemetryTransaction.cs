using Switchyard.Engine.Model;

namespace Switchyard.Engine.Storage;

/// <summary>Writes to the telemetry log, inside one transaction of <see cref="IStore.WriteTelemetryAsync{T}"/>.</summary>
public interface ITelemetryTransaction
{
    /// <summary>Current time, Unix ms, fixed for the transaction's callers.</summary>
    long Now { get; }

    /// <summary>Stores a telemetry event (indexed for full-text search); false (nothing written) when its id is stored.</summary>
    bool InsertTelemetry(TelemetryRecord record);

    /// <summary>Stores a telemetry event unless its id is stored, without asking which; a store may send it with its
    /// next round trip instead of waiting for an answer.</summary>
    void AppendTelemetry(TelemetryRecord record) => InsertTelemetry(record);

    /// <summary>Deletes up to <paramref name="limit"/> telemetry events received before <paramref name="beforeMs"/>; returns how many.</summary>
    int PruneTelemetry(long beforeMs, int limit);
}
