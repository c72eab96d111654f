using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;

namespace Switchyard.Gateway.Stream;

/// <summary>Feeds the stream's <c>events</c> and <c>runs</c> topics by polling the server's REST API every
/// <c>watch_interval</c>, only while a client of this process subscribes to them. Events newer than the last seen
/// sequence number become <c>event</c> messages; a run whose status differs from the last poll becomes a <c>run</c>
/// message. What happened before the first poll is not replayed.</summary>
public sealed class BusWatcher(GatewayConfig config, StreamHub hub, BusClient bus, ILogger<BusWatcher> logger) : BackgroundService
{
    private long? _lastSeq;
    private Dictionary<string, string>? _runs;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(config.WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (hub.WantsEvents) await EventsAsync(stoppingToken);
                    else _lastSeq = null;
                    if (hub.WantsRuns) await RunsAsync(stoppingToken);
                    else _runs = null;
                }
                catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    logger.LogDebug("bus watch failed: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task EventsAsync(CancellationToken ct)
    {
        var events = (await bus.GetAsync("/v1/events?count=200", ct))["events"]?.AsArray() ?? [];
        var fresh = events.OfType<JsonObject>().Where(e => e["seq"]?.GetValue<long>() > (_lastSeq ?? long.MaxValue)).OrderBy(e => e["seq"]!.GetValue<long>()).ToList();
        var max = events.OfType<JsonObject>().Select(e => e["seq"]?.GetValue<long>() ?? 0).DefaultIfEmpty(0).Max();
        _lastSeq = Math.Max(_lastSeq ?? 0, max);
        foreach (var e in fresh)
            hub.PublishLocal(new StreamMessage("event", "event:" + e["name"]!.GetValue<string>(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), e.DeepClone()));
    }

    private async Task RunsAsync(CancellationToken ct)
    {
        var runs = (await bus.GetAsync("/v1/runs?count=200&hours=24", ct))["runs"]?.AsArray() ?? [];
        var now = runs.OfType<JsonObject>().ToDictionary(r => r["id"]!.GetValue<string>(), r => r["status"]?.GetValue<string>() ?? "", StringComparer.Ordinal);
        if (_runs is not null)
        {
            foreach (var r in runs.OfType<JsonObject>().Reverse())
            {
                var id = r["id"]!.GetValue<string>();
                if (_runs.TryGetValue(id, out var before) && before == now[id]) continue;
                var data = (JsonObject)r.DeepClone();
                data["previousStatus"] = before;
                hub.PublishLocal(new StreamMessage("run", "run:" + r["functionId"]?.GetValue<string>(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data));
            }
        }
        _runs = now;
    }
}
