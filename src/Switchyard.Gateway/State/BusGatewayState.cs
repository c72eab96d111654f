using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;

namespace Switchyard.Gateway.State;

/// <summary>Gateway state in the bus store, through the server's key-value API (<c>/v1/kv</c>, with the API token): it
/// survives a gateway restart and is shared by every gateway of the same app id on one bus. Each kind of state is its
/// own namespace <c>gateway.&lt;app id&gt;.*</c>; a lease is the server's compare-and-set on the owner, so two gateways
/// on different hosts never poll one bot. The stream's pub/sub stays in this process (use Redis to fan stream
/// messages out across gateways).</summary>
public sealed partial class BusGatewayState : IGatewayState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromDays(365);

    private readonly HttpClient _http;
    private readonly SwitchyardClient _bus;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _subscribers = [];

    /// <summary>Creates the state for <paramref name="config"/>'s server, API token and app id.</summary>
    /// <param name="config">The gateway configuration.</param>
    /// <param name="handler">The HTTP handler (tests); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <param name="time">The gateway's clock, which decides whether a sleep has run out; <see cref="TimeProvider.System"/> when null.</param>
    public BusGatewayState(GatewayConfig config, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        _bus = new SwitchyardClient(_http, GatewayApp.BusOptions(config));
        var app = NonNamespaceChars().Replace(config.AppId.ToLowerInvariant(), "_");
        _prefix = "gateway." + (app.Length > 60 ? app[..60] : app) + ".";
    }

    /// <inheritdoc />
    public string Kind => "bus";

    [GeneratedRegex("[^a-z0-9_-]", RegexOptions.CultureInvariant)]
    private static partial Regex NonNamespaceChars();

    [GeneratedRegex(@"^[A-Za-z0-9._:@=+-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();

    /// <summary>The store key for an id: the id itself when the API accepts it as is, else a hash of it (the real
    /// id always travels in the value, so nothing needs to decode a key).</summary>
    internal static string Key(string raw) =>
        PlainKey().IsMatch(raw) ? raw : "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private string Ns(string name) => _prefix + name;

    private static string Queue(string queue) => "queue." + NonNamespaceChars().Replace(queue.ToLowerInvariant(), "_");

    /// <inheritdoc />
    public Task RegisterSessionAsync(string sessionId, TimeSpan ttl, CancellationToken cancellationToken) =>
        PutAsync("sessions", Key(sessionId), sessionId, ttl, false, cancellationToken);

    /// <inheritdoc />
    public Task UnregisterSessionAsync(string sessionId, CancellationToken cancellationToken) => DeleteAsync("sessions", Key(sessionId), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> SessionsAsync(CancellationToken cancellationToken) =>
        (await ListAsync("sessions", cancellationToken)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public Task<string?> GetDeliveredAsync(string key, CancellationToken cancellationToken) => GetAsync("delivered", Key(key), cancellationToken);

    /// <inheritdoc />
    public Task RecordDeliveredAsync(string key, string value, TimeSpan ttl, CancellationToken cancellationToken) =>
        PutAsync("delivered", Key(key), value, ttl, false, cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> SleepUntilAsync(CancellationToken cancellationToken)
    {
        var v = await GetAsync("sleep", "until", cancellationToken);
        if (v is null || !long.TryParse(v, CultureInfo.InvariantCulture, out var ms)) return null;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return until > _time.GetUtcNow() ? until : null;
    }

    /// <inheritdoc />
    public Task SetSleepAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var ttl = until is { } u ? u - _time.GetUtcNow() : TimeSpan.Zero;
        if (ttl <= TimeSpan.Zero) return DeleteAsync("sleep", "until", cancellationToken);
        // The entry expires when the sleep ends, so a gateway that was down at that moment still wakes.
        return PutAsync("sleep", "until", until!.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ttl, false, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, MuteInfo>> MutesAsync(CancellationToken cancellationToken)
    {
        var mutes = new Dictionary<string, MuteInfo>(StringComparer.Ordinal);
        foreach (var value in await ListAsync("mutes", cancellationToken))
            if (JsonSerializer.Deserialize<StoredMute>(value, Json) is { Channel: { } channel } m) mutes[channel] = new MuteInfo(m.Reason, m.At);
        return mutes;
    }

    /// <inheritdoc />
    public Task MuteAsync(string channel, MuteInfo info, CancellationToken cancellationToken) =>
        PutAsync("mutes", Key(channel), JsonSerializer.Serialize(new StoredMute(channel, info.Reason, info.At), Json), null, false, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> UnmuteAsync(string channel, CancellationToken cancellationToken) =>
        (await Store(() => _bus.KvDeleteAsync(Ns("mutes"), Key(channel), cancellationToken))).Deleted;

    /// <inheritdoc />
    public Task EnqueueAsync(string queue, QueuedNotification item, CancellationToken cancellationToken) =>
        PutAsync(Queue(queue), Key(item.CorrelationId), JsonSerializer.Serialize(item, Json), null, true, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedNotification>> TakeAllAsync(string queue, CancellationToken cancellationToken)
    {
        // The server lists and deletes in one transaction, so two gateways flushing at once never both take an item.
        var taken = await Store(() => _bus.KvTakeAllAsync(Ns(Queue(queue)), cancellationToken));
        return taken.Entries.Select(e => e.Value).Select(v => JsonSerializer.Deserialize<QueuedNotification>(v, Json)!).OrderBy(i => i.RequestedAt).ToList();
    }

    /// <inheritdoc />
    public async Task<long> QueueLengthAsync(string queue, CancellationToken cancellationToken) => (await ListAsync(Queue(queue), cancellationToken)).Count;

    /// <inheritdoc />
    public Task<long> PublishAsync(string message, CancellationToken cancellationToken)
    {
        Action<string>[] handlers;
        lock (_gate) handlers = [.. _subscribers];
        foreach (var h in handlers) h(message);
        return Task.FromResult(handlers.Length > 0 ? 1L : 0L);
    }

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> handler, CancellationToken cancellationToken)
    {
        lock (_gate) _subscribers.Add(handler);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var request = new KvLeaseRequest(owner, Math.Max(1L, (long)ttl.TotalMilliseconds));
        return (await Store(() => _bus.KvLeaseAsync(Ns("leases"), Key(name), request, cancellationToken))).Held;
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        Store(() => _bus.KvReleaseAsync(Ns("leases"), Key(name), new KvReleaseRequest(owner), cancellationToken));

    /// <inheritdoc />
    public Task<string?> LeaseHolderAsync(string name, CancellationToken cancellationToken) => GetAsync("leases", Key(name), cancellationToken);

    private Task<string?> GetAsync(string ns, string key, CancellationToken ct) => Store(() => _bus.KvGetAsync(Ns(ns), key, ct));

    private async Task<List<string>> ListAsync(string ns, CancellationToken ct) =>
        (await Store(() => _bus.KvListAsync(Ns(ns), ct))).Entries.Select(e => e.Value).ToList();

    private Task PutAsync(string ns, string key, string value, TimeSpan? ttl, bool ifAbsent, CancellationToken ct)
    {
        long? ttlMs = ttl is { } t ? Math.Max(1L, (long)(t > MaxTtl ? MaxTtl : t).TotalMilliseconds) : null;
        return Store(() => _bus.KvPutAsync(Ns(ns), key, new KvPutRequest(value, ttlMs, ifAbsent ? true : null), ct));
    }

    private Task DeleteAsync(string ns, string key, CancellationToken ct) => Store(() => _bus.KvDeleteAsync(Ns(ns), key, ct));

    /// <summary>Runs a store call; an error answer becomes the <see cref="HttpRequestException"/> every other bus
    /// failure is, so callers (pollers, the digest flusher) handle "the bus store is unavailable" in one way.</summary>
    private static async Task<T> Store<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SwitchyardApiException e)
        {
            throw new HttpRequestException($"bus store: HTTP {e.Status} {e.Code}: {e.Message}", e, (HttpStatusCode)e.Status);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record StoredMute(string? Channel, string Reason, long At);
}
