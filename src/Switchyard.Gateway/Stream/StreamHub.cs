using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.State;

namespace Switchyard.Gateway.Stream;

/// <summary>The stream's switchboard. Shared messages (session notifications, gateway happenings) go through
/// <see cref="IGatewayState.PublishAsync"/>, so with Redis every gateway process relays them to its own clients;
/// bus events and run changes are watched by each process and delivered locally. Keeps the sessions of connected
/// clients registered while they stay connected.</summary>
public sealed class StreamHub(IGatewayState state, TimeProvider time, ILogger<StreamHub> logger) : BackgroundService
{
    /// <summary>How long a session stays registered without a refresh.</summary>
    public static readonly TimeSpan SessionTtl = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<Guid, StreamClient> _clients = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _sessions = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reserved;

    /// <summary>Connected clients in this process.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Whether a client here subscribes to bus events.</summary>
    public bool WantsEvents => _clients.Values.Any(c => c.Subscriptions.Any(StreamTopics.WantsEvents));

    /// <summary>Whether a client here subscribes to run changes.</summary>
    public bool WantsRuns => _clients.Values.Any(c => c.Subscriptions.Any(StreamTopics.WantsRuns));

    /// <summary>The connected clients, for <c>/health</c>.</summary>
    public IReadOnlyList<object> Clients => _clients.Values.Select(c => (object)new { id = c.Id, session = c.Session, topics = c.Subscriptions, connectedAt = c.ConnectedAt }).ToList();

    /// <summary>Completes once the hub listens to shared messages.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Takes one of <paramref name="max"/> client places; false when all are taken. Places are counted
    /// before the WebSocket handshake, so concurrent connects cannot overshoot.</summary>
    internal bool TryReserve(int max)
    {
        if (Interlocked.Increment(ref _reserved) <= max) return true;
        Interlocked.Decrement(ref _reserved);
        return false;
    }

    /// <summary>Gives back a place taken by <see cref="TryReserve"/>.</summary>
    internal void Release() => Interlocked.Decrement(ref _reserved);

    internal async Task AddAsync(StreamClient client, CancellationToken cancellationToken)
    {
        _clients[client.Id] = client;
        if (client.Session is not { } s) return;
        lock (_gate) _sessions[s] = _sessions.GetValueOrDefault(s) + 1;
        await state.RegisterSessionAsync(s, SessionTtl, cancellationToken);
    }

    internal async Task RemoveAsync(StreamClient client)
    {
        _clients.TryRemove(client.Id, out _);
        client.Complete();
        if (client.Session is not { } s) return;
        bool last;
        lock (_gate)
        {
            var n = _sessions.GetValueOrDefault(s) - 1;
            last = n <= 0;
            if (last) _sessions.Remove(s);
            else _sessions[s] = n;
        }
        if (last)
        {
            try { await state.UnregisterSessionAsync(s, CancellationToken.None); }
            catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning("could not unregister session {Session}: {Error}", s, ex.Message); }
        }
    }

    /// <summary>Publishes to the clients of every gateway process; returns how many processes listen.</summary>
    public Task<long> PublishAsync(StreamMessage message, CancellationToken cancellationToken) =>
        state.PublishAsync(JsonSerializer.Serialize(message, JsonSerializerOptions.Web), cancellationToken);

    /// <summary>Delivers to this process's clients only.</summary>
    public void PublishLocal(StreamMessage message) => Deliver(JsonSerializer.Serialize(message, JsonSerializerOptions.Web));

    /// <summary>A gateway happening (delivery outcome, inbound message, health change) on the <c>gateway</c> topic.</summary>
    public async Task GatewayAsync(string action, JsonObject data, CancellationToken cancellationToken)
    {
        data["action"] = action;
        try
        {
            await PublishAsync(new StreamMessage("gateway", "gateway", time.GetUtcNow().ToUnixTimeMilliseconds(), data), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("stream publish of {Action} failed: {Error}", action, ex.Message);
        }
    }

    private void Deliver(string json)
    {
        string? topic;
        try
        {
            topic = JsonNode.Parse(json)?["topic"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return;
        }
        if (topic is null) return;
        foreach (var c in _clients.Values.Where(c => c.Wants(topic))) c.Enqueue(json);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.SubscribeAsync(Deliver, stoppingToken);
        _subscribed.TrySetResult();
        using var timer = new PeriodicTimer(Refresh);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                string[] live;
                lock (_gate) live = [.. _sessions.Keys];
                foreach (var s in live)
                {
                    try { await state.RegisterSessionAsync(s, SessionTtl, stoppingToken); }
                    catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning("could not refresh session {Session}: {Error}", s, ex.Message); }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
