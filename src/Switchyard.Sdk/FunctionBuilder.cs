using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Describes a function in its static <see cref="IFunctionDefinition.Define(FunctionBuilder)"/> (or
/// <see cref="SwitchyardFunction.Configure(FunctionBuilder)"/>): its id, name,
/// triggers, retries and flow control. Flow-control options have the Inngest names and semantics; key expressions
/// are CEL over <c>event</c> (e.g. <c>event.data.userId</c>).</summary>
public sealed class FunctionBuilder
{
    private readonly List<TriggerConfig> _triggers = [];
    private string? _id;
    private string? _name;
    private int? _retries;
    private readonly JsonArray _concurrency = [];
    private readonly JsonArray _cancel = [];
    private JsonObject? _throttle, _rateLimit, _debounce, _batch, _singleton, _timeouts, _priority;
    private string? _parallelMode;
    private string? _idempotency;
    private readonly List<string> _roles = [];

    internal FunctionBuilder()
    {
    }

    /// <summary>Sets the function id, unique within the app (e.g. <c>signup-flow</c>). Required.</summary>
    public FunctionBuilder Id(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _id = id;
        return this;
    }

    /// <summary>Sets the display name; the id when not set.</summary>
    public FunctionBuilder Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        return this;
    }

    /// <summary>Declares the roles the function runs in (e.g. <c>host</c> for functions that need the machine,
    /// <c>cluster</c> for stateless ones): an app started with <see cref="SwitchyardOptions.Role"/> serves it only
    /// in these roles. A function without roles runs in every role. Role names are lower-case letters, digits and
    /// <c>_</c> (at most 32). Call again to add roles.</summary>
    public FunctionBuilder Roles(params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
        {
            RoleName.Validate(role, nameof(roles));
            if (!_roles.Contains(role, StringComparer.Ordinal)) _roles.Add(role);
        }
        return this;
    }

    /// <summary>Triggers the function on an event.</summary>
    /// <param name="eventName">Exact event name, or a prefix wildcard such as <c>app/*</c>.</param>
    /// <param name="expression">Optional CEL condition over <c>event</c>, e.g. <c>event.data.plan == 'pro'</c>.</param>
    public FunctionBuilder OnEvent(string eventName, string? expression = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        _triggers.Add(new TriggerConfig { Event = eventName, Expression = expression });
        return this;
    }

    /// <summary>Triggers the function on a cron schedule, e.g. <c>0 * * * *</c> or <c>TZ=Europe/Paris 0 9 * * *</c>.</summary>
    public FunctionBuilder OnCron(string cron)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        _triggers.Add(new TriggerConfig { Cron = cron });
        return this;
    }

    /// <summary>Sets how many times a failing step or function is retried (0–20). The server's default applies when
    /// not set.</summary>
    public FunctionBuilder Retries(int retries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retries, FunctionConfig.MaxRetries);
        _retries = retries;
        return this;
    }

    /// <summary>At most <paramref name="limit"/> runs active at once (sleeping and waiting runs do not count),
    /// per value of <paramref name="key"/> when given. Call again for several limits.</summary>
    /// <param name="limit">Active runs allowed.</param>
    /// <param name="key">Optional CEL key, e.g. <c>event.data.userId</c>.</param>
    /// <param name="scope"><c>fn</c> (default), <c>app</c> or <c>account</c>: who shares the limit.</param>
    public FunctionBuilder Concurrency(int limit, string? key = null, string scope = "fn")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _concurrency.Add(Obj(("limit", limit), ("key", key), ("scope", scope)));
        return this;
    }

    /// <summary>Starts at most <paramref name="limit"/> runs per <paramref name="period"/> (per key); excess runs are
    /// delayed, not dropped. <paramref name="burst"/> more runs may start back to back on top of the first (Inngest's
    /// <c>burst</c>; 0, the default, spaces every start by period/limit).</summary>
    public FunctionBuilder Throttle(int limit, TimeSpan period, string? key = null, int burst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        _throttle = Obj(("limit", limit), ("period", TimeString.Format(period)), ("key", key), ("burst", burst > 0 ? burst : null));
        return this;
    }

    /// <summary>Runs for at most <paramref name="limit"/> events per <paramref name="period"/> (per key); excess
    /// events are dropped (and recorded as such).</summary>
    public FunctionBuilder RateLimit(int limit, TimeSpan period, string? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _rateLimit = Obj(("limit", limit), ("period", TimeString.Format(period)), ("key", key));
        return this;
    }

    /// <summary>Waits until no event arrived for <paramref name="period"/> (per key), then runs once with the last
    /// event; <paramref name="timeout"/> caps the wait after the first event.</summary>
    public FunctionBuilder Debounce(TimeSpan period, string? key = null, TimeSpan? timeout = null)
    {
        _debounce = Obj(("period", TimeString.Format(period)), ("key", key), ("timeout", timeout is { } t ? TimeString.Format(t) : null));
        return this;
    }

    /// <summary>Runs once for up to <paramref name="maxSize"/> events, or for what arrived within
    /// <paramref name="timeout"/> of the first; <c>ctx.Events</c> holds them all.</summary>
    public FunctionBuilder Batch(int maxSize, TimeSpan timeout, string? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        _batch = Obj(("maxSize", maxSize), ("timeout", TimeString.Format(timeout)), ("key", key));
        return this;
    }

    /// <summary>Gives runs up to 600 s of head start (positive) or delay (negative) in the queue, from a CEL
    /// expression such as <c>event.data.plan == 'pro' ? 120 : 0</c>.</summary>
    public FunctionBuilder Priority(string runExpression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runExpression);
        _priority = Obj(("run", runExpression));
        return this;
    }

    /// <summary>Runs at most once per value of the CEL <paramref name="keyExpression"/> within 24 h.</summary>
    public FunctionBuilder Idempotency(string keyExpression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyExpression);
        _idempotency = keyExpression;
        return this;
    }

    /// <summary>Continues the run as soon as any one of several pending steps settles, instead of once all have
    /// (the default). For code that waits on some parallel steps with <see cref="Task.WhenAny(Task[])"/> and starts
    /// new ones meanwhile, such as a DAG scheduler; it costs a call per settled step.</summary>
    public FunctionBuilder RaceParallelSteps()
    {
        _parallelMode = "race";
        return this;
    }

    /// <summary>One run at a time per key: a new event is skipped (<c>skip</c>) or cancels the running run
    /// (<c>cancel</c>).</summary>
    public FunctionBuilder Singleton(string? key = null, string mode = "skip")
    {
        if (mode is not ("skip" or "cancel")) throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode is skip or cancel");
        _singleton = Obj(("key", key), ("mode", mode));
        return this;
    }

    /// <summary>Cancels a run when <paramref name="eventName"/> arrives and <paramref name="expression"/> (CEL over
    /// <c>event</c>, the run's trigger, and <c>async</c>, the new event) holds; only within <paramref name="timeout"/>
    /// when given.</summary>
    public FunctionBuilder CancelOn(string eventName, string? expression = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        _cancel.Add(Obj(("event", eventName), ("if", expression), ("timeout", timeout is { } t ? TimeString.Format(t) : null)));
        return this;
    }

    /// <summary>Cancels runs not started within <paramref name="start"/> of being queued, or not finished within
    /// <paramref name="finish"/> of starting.</summary>
    public FunctionBuilder Timeouts(TimeSpan? start = null, TimeSpan? finish = null)
    {
        _timeouts = Obj(("start", start is { } s ? TimeString.Format(s) : null), ("finish", finish is { } f ? TimeString.Format(f) : null));
        return this;
    }

    /// <summary>The metadata <typeparamref name="TFunction"/> declares statically, read without constructing it.</summary>
    internal static FunctionDefinition Describe<TFunction>() where TFunction : IFunctionDefinition
    {
        var builder = new FunctionBuilder();
        TFunction.Define(builder);
        return builder.Build(typeof(TFunction));
    }

    /// <summary>The function as configured.</summary>
    internal FunctionDefinition Build(Type type)
    {
        if (_id is null)
            throw new InvalidOperationException($"{type.Name}.{(typeof(IFunctionDefinition).IsAssignableFrom(type) ? "Define" : "Configure")} must set an id with FunctionBuilder.Id(…).");
        var config = new FunctionConfig
        {
            Id = _id, Name = _name ?? _id, Triggers = _triggers.ToArray(),
            Concurrency = _concurrency.Count == 0 ? null : _concurrency.DeepClone(),
            Throttle = _throttle, RateLimit = _rateLimit, Debounce = _debounce, BatchEvents = _batch, Priority = _priority,
            Idempotency = _idempotency, Singleton = _singleton, Timeouts = _timeouts, ParallelMode = _parallelMode,
            Cancel = _cancel.Count == 0 ? null : (JsonArray)_cancel.DeepClone(),
        };
        return new FunctionDefinition(type, config, _retries) { Roles = _roles.ToArray() };
    }

    private static JsonObject Obj(params (string Key, object? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields)
        {
            if (v is null) continue;
            o[k] = v switch { int i => JsonValue.Create(i), string s => JsonValue.Create(s), _ => JsonValue.Create(v.ToString()) };
        }
        return o;
    }
}
