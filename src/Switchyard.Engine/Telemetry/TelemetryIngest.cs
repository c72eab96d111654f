using Switchyard.Engine.Storage;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Telemetry;

/// <summary>Stores validated telemetry: samples flooding debug events, then writes the rest in one durable
/// transaction of the telemetry log (grouped with other writers). A repeated id is stored once.</summary>
public sealed class TelemetryIngest(IStore store, TelemetrySampler sampler)
{
    /// <summary>Samples and stores <paramref name="events"/>; durable when the task completes.</summary>
    public async Task<TelemetryEmitResult> IngestAsync(IReadOnlyList<TelemetryRecord> events, CancellationToken cancellationToken)
    {
        var kept = events.Where(sampler.Keep).ToList();
        var sampled = events.Count - kept.Count;
        if (kept.Count == 0) return new TelemetryEmitResult([], 0, 0, sampled);
        var stored = await store.WriteTelemetryAsync(tx =>
        {
            var n = 0;
            foreach (var e in kept)
                if (tx.InsertTelemetry(e with { ReceivedAt = tx.Now })) n++;
            return n;
        }, cancellationToken);
        return new TelemetryEmitResult(kept.Select(e => e.Id).ToList(), stored, kept.Count - stored, sampled);
    }
}
