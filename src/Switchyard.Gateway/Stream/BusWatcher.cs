using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Gateway.Stream;

/// <summary>Feeds the stream's <c>events</c> and <c>runs</c> topics by polling the server's REST API every
/// <c>watch_interval</c>, only while a client of this process subscribes to them. Events newer than the last seen
/// sequence number become <c>event</c> messages; a run whose status differs from the last poll becomes a <c>run</c>
/// message. What happened before the first poll is not replayed.</summary>
public sealed class BusWatcher(GatewayConfig config, StreamHub hub, SwitchyardClient bus, ILogger<BusWatcher> logger) : BackgroundService
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
                catch (Exception ex) when (ex is HttpRequestException or SwitchyardApiException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
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
        var events = (await bus.ListEventsAsync(count: 200, cancellationToken: ct)).Events;
        var fresh = events.Where(e => e.Seq > (_lastSeq ?? long.MaxValue)).OrderBy(e => e.Seq).ToList();
        var max = events.Select(e => e.Seq).DefaultIfEmpty(0).Max();
        _lastSeq = Math.Max(_lastSeq ?? 0, max);
        foreach (var e in fresh)
            hub.PublishLocal(new StreamMessage("event", "event:" + e.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Json(e)));
    }

    private async Task RunsAsync(CancellationToken ct)
    {
        var runs = (await bus.ListRunsAsync(hours: 24, count: 200, cancellationToken: ct)).Runs;
        var now = runs.ToDictionary(r => r.Id, r => r.Status, StringComparer.Ordinal);
        if (_runs is not null)
        {
            foreach (var r in runs.Reverse())
            {
                if (_runs.TryGetValue(r.Id, out var before) && before == now[r.Id]) continue;
                var data = Json(r);
                data["previousStatus"] = before;
                hub.PublishLocal(new StreamMessage("run", "run:" + r.FunctionId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data));
            }
        }
        _runs = now;
    }

    /// <summary>The record as the stream carries it: the REST API's JSON of it.</summary>
    private static JsonObject Json<T>(T record) => JsonSerializer.SerializeToNode(record, SwitchyardJson.Options)!.AsObject();
}
