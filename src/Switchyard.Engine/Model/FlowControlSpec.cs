using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;

namespace Switchyard.Engine.Model;

/// <summary>A function's flow-control settings, parsed once from its registered config (Inngest field names and
/// semantics). Malformed settings are reported at registration, so the engine only sees valid ones.</summary>
public sealed record FlowControlSpec
{
    /// <summary>Concurrency limits (at most a few).</summary>
    public IReadOnlyList<ConcurrencyLimit> Concurrency { get; init; } = [];
    /// <summary>Throttle: excess run starts are delayed.</summary>
    public ThrottleSpec? Throttle { get; init; }
    /// <summary>Rate limit: excess events are dropped.</summary>
    public RateLimitSpec? RateLimit { get; init; }
    /// <summary>Debounce: the last event of a burst wins.</summary>
    public DebounceSpec? Debounce { get; init; }
    /// <summary>Batching: one run gets many events.</summary>
    public BatchSpec? Batch { get; init; }
    /// <summary>Priority expression (seconds of head start, −600…600).</summary>
    public string? Priority { get; init; }
    /// <summary>Idempotency key expression (24 h).</summary>
    public string? Idempotency { get; init; }
    /// <summary>Singleton.</summary>
    public SingletonSpec? Singleton { get; init; }
    /// <summary>Cancel-on-event rules.</summary>
    public IReadOnlyList<CancelRule> Cancel { get; init; } = [];
    /// <summary>Start timeout: cancel when not started in time.</summary>
    public TimeSpan? StartTimeout { get; init; }
    /// <summary>Finish timeout: cancel when not finished in time after starting.</summary>
    public TimeSpan? FinishTimeout { get; init; }

    /// <summary>No settings at all.</summary>
    public static FlowControlSpec None { get; } = new();

    /// <summary>Parses a function's settings; <paramref name="error"/> names the first bad field.</summary>
    public static FlowControlSpec Parse(FunctionConfig config, out string? error)
    {
        error = null;
        try
        {
            return new FlowControlSpec
            {
                Concurrency = ParseConcurrency(config.Concurrency),
                Throttle = config.Throttle is { } t ? new ThrottleSpec(Int(t, "limit", "throttle"), Period(t, "period", "throttle"), OptInt(t, "burst") ?? 0, Str(t, "key")) : null,
                RateLimit = config.RateLimit is { } r ? new RateLimitSpec(Int(r, "limit", "rateLimit"), Period(r, "period", "rateLimit"), Str(r, "key")) : null,
                Debounce = config.Debounce is { } d ? new DebounceSpec(Period(d, "period", "debounce"), Str(d, "key"), OptPeriod(d, "timeout", "debounce")) : null,
                Batch = config.BatchEvents is { } b ? new BatchSpec(Int(b, "maxSize", "batchEvents"), Period(b, "timeout", "batchEvents"), Str(b, "key"), Str(b, "if")) : null,
                Priority = config.Priority is { } p ? Str(p, "run") : null,
                Idempotency = string.IsNullOrWhiteSpace(config.Idempotency) ? null : config.Idempotency,
                Singleton = config.Singleton is { } s ? new SingletonSpec(Str(s, "key"), Str(s, "mode") switch
                {
                    null or "skip" => "skip",
                    "cancel" => "cancel",
                    var other => throw new FormatException($"singleton.mode must be skip or cancel, not '{other}'"),
                }) : null,
                Cancel = config.Cancel?.OfType<JsonObject>().Select(c => new CancelRule(
                    Str(c, "event") ?? throw new FormatException("cancel[].event is required"), Str(c, "if"), OptPeriod(c, "timeout", "cancel"))).ToList() ?? [],
                StartTimeout = config.Timeouts is { } ts ? OptPeriod(ts, "start", "timeouts") : null,
                FinishTimeout = config.Timeouts is { } tf ? OptPeriod(tf, "finish", "timeouts") : null,
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            error = ex.Message;
            return None;
        }
    }

    private static List<ConcurrencyLimit> ParseConcurrency(JsonNode? node) => node switch
    {
        null => [],
        JsonValue v => [new ConcurrencyLimit(PositiveInt(v, "concurrency"), null, "fn")],
        JsonObject o => [ParseLimit(o)],
        JsonArray a => a.Select(n => n as JsonObject ?? throw new FormatException("concurrency[] entries must be objects")).Select(ParseLimit).ToList(),
        _ => throw new FormatException("concurrency must be a number, an object or an array"),
    };

    private static ConcurrencyLimit ParseLimit(JsonObject o)
    {
        var scope = Str(o, "scope") ?? "fn";
        if (scope is not ("fn" or "function" or "app" or "env" or "account"))
            throw new FormatException($"concurrency.scope must be fn, app or account, not '{scope}'");
        return new ConcurrencyLimit(Int(o, "limit", "concurrency"), Str(o, "key"), scope switch { "function" => "fn", "env" or "account" => "account", _ => scope });
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    private static int? OptInt(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out int i) ? i : null;

    private static int Int(JsonObject o, string key, string where) =>
        o[key] is JsonValue v ? PositiveInt(v, $"{where}.{key}") : throw new FormatException($"{where}.{key} is required");

    private static int PositiveInt(JsonValue v, string where) =>
        v.TryGetValue(out int i) && i > 0 ? i : throw new FormatException($"{where} must be a positive integer");

    private static TimeSpan Period(JsonObject o, string key, string where) =>
        OptPeriod(o, key, where) ?? throw new FormatException($"{where}.{key} is required (e.g. \"1m\")");

    private static TimeSpan? OptPeriod(JsonObject o, string key, string where)
    {
        var text = Str(o, key);
        if (text is null) return null;
        return TimeString.TryParseDuration(text, out var d) && d > TimeSpan.Zero ? d : throw new FormatException($"{where}.{key} '{text}' is not a duration like 30s, 5m, 1h");
    }
}

/// <summary>A concurrency limit: at most <see cref="Limit"/> active runs per key within the scope.</summary>
public sealed record ConcurrencyLimit(int Limit, string? Key, string Scope);

/// <summary>Throttle: <see cref="Limit"/> run starts per <see cref="Period"/> per key; <see cref="Burst"/> more may start
/// back to back on top of the first, as Inngest's GCRA allows (burst + 1 at once).</summary>
public sealed record ThrottleSpec(int Limit, TimeSpan Period, int Burst, string? Key);

/// <summary>Rate limit: at most <see cref="Limit"/> runs per <see cref="Period"/> per key; excess events are dropped.</summary>
public sealed record RateLimitSpec(int Limit, TimeSpan Period, string? Key);

/// <summary>Debounce: a run starts <see cref="Period"/> after the last event of a burst (at most <see cref="Timeout"/> after the first).</summary>
public sealed record DebounceSpec(TimeSpan Period, string? Key, TimeSpan? Timeout);

/// <summary>Batching: up to <see cref="MaxSize"/> events, or whatever arrived within <see cref="Timeout"/>, in one run.</summary>
public sealed record BatchSpec(int MaxSize, TimeSpan Timeout, string? Key, string? If);

/// <summary>Singleton: one run per key; a new event is skipped, or cancels the running one.</summary>
public sealed record SingletonSpec(string? Key, string Mode);

/// <summary>Cancel a run when an event named <see cref="Event"/> matching <see cref="If"/> arrives.</summary>
public sealed record CancelRule(string Event, string? If, TimeSpan? Timeout);
