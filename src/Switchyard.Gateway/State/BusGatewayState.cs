using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Configuration;

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
    private readonly string _prefix;
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _subscribers = [];

    /// <summary>Creates the state for <paramref name="config"/>'s server, API token and app id.</summary>
    /// <param name="config">The gateway configuration.</param>
    /// <param name="handler">The HTTP handler (tests); a new <see cref="SocketsHttpHandler"/> when null.</param>
    public BusGatewayState(GatewayConfig config, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            BaseAddress = config.ServerUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };
        if (config.ApiToken is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
        return until > DateTimeOffset.UtcNow ? until : null;
    }

    /// <inheritdoc />
    public Task SetSleepAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var ttl = until is { } u ? u - DateTimeOffset.UtcNow : TimeSpan.Zero;
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
        (await SendAsync(HttpMethod.Delete, Path("mutes", Key(channel)), null, cancellationToken))!["deleted"]!.GetValue<bool>();

    /// <inheritdoc />
    public Task EnqueueAsync(string queue, QueuedNotification item, CancellationToken cancellationToken) =>
        PutAsync(Queue(queue), Key(item.CorrelationId), JsonSerializer.Serialize(item, Json), null, true, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedNotification>> TakeAllAsync(string queue, CancellationToken cancellationToken)
    {
        // The server lists and deletes in one transaction, so two gateways flushing at once never both take an item.
        var taken = await SendAsync(HttpMethod.Delete, Path(Queue(queue)), null, cancellationToken);
        return Values(taken!).Select(v => JsonSerializer.Deserialize<QueuedNotification>(v, Json)!).OrderBy(i => i.RequestedAt).ToList();
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
        var body = new JsonObject { ["owner"] = owner, ["ttlMs"] = Math.Max(1L, (long)ttl.TotalMilliseconds) };
        return (await SendAsync(HttpMethod.Post, Path("leases", Key(name)) + "/lease", body, cancellationToken))!["held"]!.GetValue<bool>();
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, Path("leases", Key(name)) + "/release", new JsonObject { ["owner"] = owner }, cancellationToken);

    /// <inheritdoc />
    public Task<string?> LeaseHolderAsync(string name, CancellationToken cancellationToken) => GetAsync("leases", Key(name), cancellationToken);

    private string Path(string ns, string? key = null) =>
        "/v1/kv/" + Uri.EscapeDataString(Ns(ns)) + (key is null ? "" : "/" + Uri.EscapeDataString(key));

    private async Task<string?> GetAsync(string ns, string key, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, Path(ns, key), null, ct, notFoundIsNull: true))?["value"]?.GetValue<string>();

    private async Task<List<string>> ListAsync(string ns, CancellationToken ct) => Values((await SendAsync(HttpMethod.Get, Path(ns), null, ct))!);

    private Task PutAsync(string ns, string key, string value, TimeSpan? ttl, bool ifAbsent, CancellationToken ct)
    {
        var body = new JsonObject { ["value"] = value };
        if (ttl is { } t) body["ttlMs"] = Math.Max(1L, (long)(t > MaxTtl ? MaxTtl : t).TotalMilliseconds);
        if (ifAbsent) body["ifAbsent"] = true;
        return SendAsync(HttpMethod.Put, Path(ns, key), body, ct);
    }

    private Task DeleteAsync(string ns, string key, CancellationToken ct) => SendAsync(HttpMethod.Delete, Path(ns, key), null, ct);

    private static List<string> Values(JsonObject list) =>
        list["entries"]!.AsArray().Select(e => e!["value"]!.GetValue<string>()).ToList();

    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct, bool notFoundIsNull = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request, ct);
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"bus store {method} {path}: HTTP {(int)response.StatusCode} {text}", null, response.StatusCode);
        }
        return await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? [];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record StoredMute(string? Channel, string Reason, long At);
}
