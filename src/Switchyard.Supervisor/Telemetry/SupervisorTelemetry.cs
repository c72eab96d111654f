using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchyard.Client;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Hosting;

namespace Switchyard.Supervisor.Telemetry;

/// <summary>Emits supervisor events: logs each one, keeps the last few for <c>GET /status</c>, and posts them to the
/// bus server in the background. Posting is best-effort (short timeout, bounded queue dropping the oldest): the bus
/// may be one of the services being supervised, so supervision must never wait for it.</summary>
public sealed class SupervisorTelemetry : IAsyncDisposable
{
    private const int RecentCount = 50;
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private const int BatchSize = 100;
    private readonly Channel<SupervisorEvent> _queue = Channel.CreateBounded<SupervisorEvent>(
        new BoundedChannelOptions(2000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Queue<SupervisorEvent> _recent = new();
    private readonly Lock _lock = new();
    private readonly SupervisorConfig _config;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    // The per-post timeout is the configuration's, applied by the pump; the client's own would only cap it.
    private readonly SwitchyardClient? _bus;
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;
    private bool _failing;
    private long _dropped;

    /// <summary>Creates the emitter; call <see cref="Start"/> to begin posting.</summary>
    public SupervisorTelemetry(SupervisorConfig config, SupervisorOptions options, ILoggerFactory loggers)
    {
        _config = config;
        _options = options;
        if (config.ServerUrl is not null)
            _bus = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = config.ServerUrl, TelemetryToken = config.TelemetryToken, Timeout = Timeout.InfiniteTimeSpan });
        // One short category: every line of the supervisor's log is one of these events.
        _logger = loggers.CreateLogger("supervise");
    }

    /// <summary>Events that could not be delivered (server down, timeout, rejected).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The most recent events, oldest first.</summary>
    public IReadOnlyList<SupervisorEvent> Recent()
    {
        lock (_lock) return _recent.ToList();
    }

    /// <summary>Records one event. Never blocks and never throws.</summary>
    public void Emit(string level, string component, string action, string? error = null, bool? success = null,
        double? durationMs = null, JsonObject? metadata = null)
    {
        var e = new SupervisorEvent(Guid.NewGuid().ToString("N"), _options.Time.GetUtcNow(), level, component, action, error, success, durationMs, metadata ?? []);
        lock (_lock)
        {
            _recent.Enqueue(e);
            while (_recent.Count > RecentCount) _recent.Dequeue();
        }
        var detail = string.Join(' ', e.Metadata.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={Text(kv.Value)}"));
        _logger.Log(level switch { "error" => LogLevel.Error, "warn" => LogLevel.Warning, "debug" => LogLevel.Debug, _ => LogLevel.Information },
            "{Component} {Action}{Error} {Detail}", component, action, error is null ? "" : $": {error}", detail);
        try { _options.OnEvent?.Invoke(e); }
        catch (Exception ex) { _logger.LogDebug(ex, "event observer failed"); }
        if (_config.ServerUrl is not null) _queue.Writer.TryWrite(e);
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s)
        ? (s.Contains(' ', StringComparison.Ordinal) ? $"'{s}'" : s)
        : node?.ToJsonString(Unescaped) ?? "";

    /// <summary>Starts the background poster.</summary>
    public void Start()
    {
        if (_config.ServerUrl is not null) _pump ??= Task.Run(() => PumpAsync(_stop.Token));
    }

    /// <summary>Stops accepting events and gives the queued ones up to <paramref name="timeout"/> to be delivered.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        if (_pump is null) return;
        try
        {
            await _pump.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            try { await _pump; }
            catch (OperationCanceledException) { }
        }
        _stop.Dispose();
        _bus?.Dispose();
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        var batch = new List<SupervisorEvent>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var e)) batch.Add(e);
                await PostAsync(batch, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown deadline passed: what is still queued is dropped, as it would be with the server down.
        }
    }

    private async Task PostAsync(List<SupervisorEvent> batch, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_config.TelemetryTimeout);
        try
        {
            await _bus!.EmitTelemetryAsync(batch.Select(e => e.ToEmit()).ToList(), timeout.Token);
            if (_failing) _logger.LogInformation("telemetry delivered again to {Url}", _bus.ServerUrl);
            _failing = false;
        }
        catch (Exception ex) when (ex is HttpRequestException or SwitchyardApiException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            Interlocked.Add(ref _dropped, batch.Count);
            // One warning per outage, not one per event: the bus being down is itself usually a supervised failure.
            if (!_failing) _logger.LogWarning("telemetry not delivered to {Url} ({Error}); continuing without it", _bus!.ServerUrl, ex.Message);
            _failing = true;
        }
    }
}
