using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Telemetry;

/// <summary>The engine's own lifecycle telemetry. Events carry <c>metadata.runId</c>, <c>metadata.eventId</c> and
/// <c>metadata.functionId</c>, so a trace of an event or run finds them.</summary>
/// <remarks>A record is queued when the engine transaction that made the change commits (never for one that rolls
/// back) and written to the telemetry log (<see cref="IStore.WriteTelemetryAsync{T}"/>) by this service, in batches,
/// within about 100 ms, and before any telemetry read, so a read sees everything that has happened. The run's history,
/// which these records mirror, commits with the change itself; a crash can lose only the last moment of this mirror,
/// never the history.</remarks>
public sealed class TelemetrySink(IStore store, ILogger<TelemetrySink> logger) : BackgroundService
{
    /// <summary>The <c>source</c> of every engine event.</summary>
    public const string Source = "switchyard";

    private const int MaxDetailLength = 4096;
    private const int MaxBatch = 1000;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<TelemetryRecord> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Writes every record queued so far; telemetry reads call this first.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty) return;
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            while (!_pending.IsEmpty)
            {
                var batch = new List<TelemetryRecord>();
                while (batch.Count < MaxBatch && _pending.TryDequeue(out var record)) batch.Add(record);
                await store.WriteTelemetryAsync(tx =>
                {
                    foreach (var record in batch) tx.AppendTelemetry(record);
                    return 0;
                }, CancellationToken.None);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "writing engine telemetry failed; retrying");
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "writing the last engine telemetry failed");
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    /// <summary>Records a run's history entry (run started, step failed, retry scheduled, …) as telemetry; failures
    /// are <c>error</c>, retries and cancellations <c>warn</c>, the rest <c>info</c>.</summary>
    public void RunHistory(IStoreTransaction tx, RunRecord run, HistoryEntry entry, string? id = null, string? action = null)
    {
        var (level, success) = entry.Kind switch
        {
            HistoryKind.RunCompleted => (TelemetryLevel.Info, (bool?)true),
            HistoryKind.RunFailed or HistoryKind.StepFailed => (TelemetryLevel.Error, false),
            HistoryKind.RunCancelled or HistoryKind.StepErrored or HistoryKind.RetryScheduled => (TelemetryLevel.Warn, null),
            _ => (TelemetryLevel.Info, null),
        };
        var metadata = new JsonObject
        {
            ["runId"] = run.Id,
            ["eventId"] = run.EventId,
            ["functionId"] = run.FunctionId,
            ["appId"] = run.AppId,
        };
        if (run.ParentRunId is not null) metadata["parentRunId"] = run.ParentRunId;
        if ((entry.StepName ?? entry.StepHash) is { } step) metadata["step"] = step;
        if (entry.StepHash is not null || entry.Attempt > 0) metadata["attempt"] = entry.Attempt;
        // Outputs stay out (they can be large or private); other details, e.g. a retry's due time, are small.
        if (entry.Kind != HistoryKind.RunCompleted && entry.Detail is { Length: > 0 and <= MaxDetailLength } detail && Parse(detail) is JsonObject parsed)
            metadata["detail"] = parsed;
        var error = success == false || entry.Kind is HistoryKind.RunCancelled or HistoryKind.StepErrored ? ErrorText(entry.Detail) : null;
        Record(tx, new TelemetryRecord(id ?? Ulid.NewUlid().ToString(), entry.At, tx.Now, level, Source, "runs", action ?? entry.Kind.ToWire(), entry.DurationMs,
            success, error, metadata.ToJsonString(), null, null, run.Id, run.EventId));
    }

    /// <summary>Records that an app (re)registered a changed function set.</summary>
    public void AppSynced(IStoreTransaction tx, string appId, string url, IReadOnlyList<string> functionIds, IReadOnlyList<string> removed)
    {
        var metadata = new JsonObject
        {
            ["appId"] = appId,
            ["url"] = url,
            ["functionIds"] = new JsonArray(functionIds.Select(f => (JsonNode?)f).ToArray()),
            ["removed"] = new JsonArray(removed.Select(f => (JsonNode?)f).ToArray()),
        };
        Record(tx, new TelemetryRecord(Ulid.NewUlid().ToString(), tx.Now, tx.Now, TelemetryLevel.Info, Source, "registry", "app.synced", null, true, null,
            metadata.ToJsonString(), null, null, null, null));
    }

    /// <summary>Records <paramref name="record"/>, which belongs to no engine transaction (e.g. a rejected webhook
    /// delivery): it is written with the next batch, like every other record of the engine.</summary>
    public void Report(TelemetryRecord record) => _pending.Enqueue(record);

    /// <summary>Records <paramref name="record"/> once <paramref name="tx"/> commits (and never when it does not).</summary>
    public void Record(IStoreTransaction tx, TelemetryRecord record) => tx.OnCommitted(() => _pending.Enqueue(record));

    /// <summary>"Name: message" of an error JSON (also one nested under <c>error</c>), else the text itself.</summary>
    internal static string? ErrorText(string? detail)
    {
        if (string.IsNullOrEmpty(detail)) return null;
        var node = Parse(detail);
        if (node is JsonObject o)
        {
            var e = o["error"] as JsonObject ?? o;
            if (e["message"] is JsonValue m && m.TryGetValue(out string? message))
                return Clip(e["name"] is JsonValue n && n.TryGetValue(out string? name) && name.Length > 0 ? $"{name}: {message}" : message);
        }
        return Clip(node is JsonValue v && v.TryGetValue(out string? s) ? s : detail);
    }

    private static JsonNode? Parse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }

    private static string Clip(string text) => text.Length <= TelemetryParser.MaxErrorLength ? text : text[..TelemetryParser.MaxErrorLength];
}
