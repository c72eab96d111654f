using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Gateway.Stream;

/// <summary>Feeds the stream's <c>events</c> and <c>runs</c> topics from the server's live feed (<c>GET /v1/feed</c>),
/// connected only while a client of this process subscribes to them (checked every <c>watch_interval</c>). A new
/// event becomes an <c>event</c> message; a run whose status changed becomes a <c>run</c> message. When the server goes
/// away the watcher reconnects with backoff, and after a reconnect or a gap in the feed it reads the REST lists once so
/// that what happened meanwhile is sent, once. What happened before the first subscriber is not replayed.</summary>
public sealed class BusWatcher(GatewayConfig config, StreamHub hub, SwitchyardClient bus, TimeProvider time, ILogger<BusWatcher> logger) : BackgroundService
{
    /// <summary>The longest wait between reconnection attempts.</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    // How many recent event ids are remembered to drop repeats between the feed and a catch-up read.
    private const int RememberedEvents = 4096;

    // The highest event sequence number known when watching began: older events are history, never sent.
    private long? _startSeq;
    private readonly HashSet<string> _sentEvents = new(StringComparer.Ordinal);
    private readonly Queue<string> _sentOrder = new();
    // The last status sent (or seen at the start) of each run.
    private Dictionary<string, string>? _runs;

    /// <summary>Whether the feed is connected and caught up, so every later change reaches the clients.</summary>
    internal bool Connected { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = config.WatchInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!Wanted)
                {
                    Forget(events: true, runs: true);
                    await Task.Delay(config.WatchInterval, time, stoppingToken);
                    continue;
                }
                try
                {
                    if (await WatchAsync(stoppingToken)) backoff = config.WatchInterval;
                    // Ended because nobody listens any more: check again at the usual pace.
                    if (!Wanted) continue;
                }
                catch (Exception ex) when (ex is HttpRequestException or SwitchyardApiException or IOException or JsonException
                    || ex is OperationCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    logger.LogDebug("bus feed lost: {Error}", ex.Message);
                }
                finally
                {
                    Connected = false;
                }
                await Task.Delay(backoff, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private bool Wanted => hub.WantsEvents || hub.WantsRuns;

    /// <summary>One connection: subscribe, catch up from the lists, then relay the feed until it ends, fails or nobody
    /// listens. Returns true when the connection was established (so the backoff starts over).</summary>
    private async Task<bool> WatchAsync(CancellationToken stoppingToken)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var ct = connection.Token;
        // Subscribed before the lists are read: a change after the read is on the feed, one before is in the read.
        await using var feed = await bus.OpenFeedAsync(cancellationToken: ct);
        await CatchUpAsync(ct);
        Connected = true;
        // The feed has no "nobody listens" signal of its own: a local check ends the connection when the last
        // subscriber of the topics leaves.
        using var idle = new PeriodicTimer(config.WatchInterval, time);
        var check = CheckWantedAsync(idle, connection, ct);
        try
        {
            await foreach (var item in feed.ReadAllAsync(ct))
            {
                switch (item.Kind)
                {
                    case FeedItemKind.Event when item.Event is { } e:
                        if (hub.WantsEvents) Event(e);
                        else Forget(events: true, runs: false);
                        break;
                    case FeedItemKind.Run when item.Run is { } r:
                        if (hub.WantsRuns) Run(r);
                        else Forget(events: false, runs: true);
                        break;
                    case FeedItemKind.Gap:
                        logger.LogDebug("bus feed dropped {Dropped} item(s); reading the lists", item.Dropped);
                        await CatchUpAsync(ct);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && !Wanted)
        {
            // Nobody listens any more.
        }
        await connection.CancelAsync();
        await check;
        return true;
    }

    private async Task CheckWantedAsync(PeriodicTimer idle, CancellationTokenSource connection, CancellationToken ct)
    {
        try
        {
            while (await idle.WaitForNextTickAsync(ct))
                if (!Wanted)
                {
                    await connection.CancelAsync();
                    return;
                }
        }
        catch (OperationCanceledException)
        {
            // The connection ended first.
        }
    }

    /// <summary>Sends what the lists show that the feed has not: events newer than the start that were not sent, runs
    /// whose status differs from the last sent. The first time, only sets the starting point.</summary>
    private async Task CatchUpAsync(CancellationToken ct)
    {
        if (hub.WantsEvents)
        {
            var events = (await bus.ListEventsAsync(count: 200, cancellationToken: ct)).Events;
            if (_startSeq is null) _startSeq = events.Select(e => e.Seq).DefaultIfEmpty(0).Max();
            else foreach (var e in events.OrderBy(e => e.Seq)) Event(e);
        }
        else Forget(events: true, runs: false);
        if (hub.WantsRuns)
        {
            var runs = (await bus.ListRunsAsync(hours: 24, count: 200, cancellationToken: ct)).Runs;
            if (_runs is null) _runs = runs.ToDictionary(r => r.Id, r => r.Status, StringComparer.Ordinal);
            else foreach (var r in runs.Reverse()) Run(r);
        }
        else Forget(events: false, runs: true);
    }

    private void Event(EventView e)
    {
        if (_startSeq is null)
        {
            // The first subscriber of events came while the feed was already open for runs: this is the start.
            _startSeq = e.Seq - 1;
        }
        if (e.Seq <= _startSeq || !_sentEvents.Add(e.Id)) return;
        _sentOrder.Enqueue(e.Id);
        if (_sentOrder.Count > RememberedEvents) _sentEvents.Remove(_sentOrder.Dequeue());
        hub.PublishLocal(new StreamMessage("event", "event:" + e.Name, time.GetUtcNow().ToUnixTimeMilliseconds(), Json(e)));
    }

    private void Run(RunView r)
    {
        _runs ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var known = _runs.TryGetValue(r.Id, out var before);
        if (known && before == r.Status) return;
        _runs[r.Id] = r.Status;
        var data = Json(r);
        data["previousStatus"] = before;
        hub.PublishLocal(new StreamMessage("run", "run:" + r.FunctionId, time.GetUtcNow().ToUnixTimeMilliseconds(), data));
        // Bounded: ended runs are dropped once many are remembered (a repeat of an ended one is then possible only
        // after a later catch-up lists it again, long after it ended).
        if (_runs.Count > 10_000)
            foreach (var id in _runs.Where(p => p.Value is "Completed" or "Failed" or "Cancelled").Select(p => p.Key).ToList()) _runs.Remove(id);
    }

    private void Forget(bool events, bool runs)
    {
        if (events)
        {
            _startSeq = null;
            _sentEvents.Clear();
            _sentOrder.Clear();
        }
        if (runs) _runs = null;
    }

    /// <summary>The record as the stream carries it: the REST API's JSON of it.</summary>
    private static JsonObject Json<T>(T record) => JsonSerializer.SerializeToNode(record, SwitchyardJson.Options)!.AsObject();
}
