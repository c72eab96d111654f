using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Sdk.Execution;
using Switchyard.Sdk.Hosting;
using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk;

/// <summary>Durable steps, available as <see cref="FunctionContext{TData}.Step"/>. Each step runs (or waits) once per
/// run: its result is stored by the server and replayed on later calls, so the code around steps must be
/// deterministic. Step ids must be unique within a run; a repeated id is numbered automatically.</summary>
/// <remarks>The tasks returned for steps that have not happened yet never complete within the current call. Await
/// them (alone or with <see cref="Task.WhenAll(Task[])"/>), and do not use <c>ConfigureAwait(false)</c> in function
/// bodies: the SDK tells "waiting on steps" from "waiting on I/O" by watching the function's own continuations.</remarks>
public sealed partial class StepTools
{
    private readonly CallExecution _call;
    private readonly string _appId;
    private readonly SwitchyardClient _client;
    private readonly ISwitchyardSerializer _serializer;

    internal StepTools(CallExecution call, string appId, SwitchyardClient client, ISwitchyardSerializer serializer)
    {
        _call = call;
        _appId = appId;
        _client = client;
        _serializer = serializer;
    }

    /// <summary>Runs <paramref name="work"/> once and returns its result, which goes through a JSON round trip.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="work">The step's body; retried on failure according to the function's retries. Its token is
    /// canceled when the call ends early: the run is canceled on the server (which aborts its in-flight call), the
    /// server gives up on the call (its call timeout) or disconnects, or the app stops.</param>
    public Task<T> RunAsync<T>(string id, Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _call.Step(id, Read<T>, (hash, index) => new PlannedStep(hash, id, index, OpCode.StepRun, id, null,
            async cancellationToken => _serializer.Serialize(await work(cancellationToken).ConfigureAwait(false), typeof(T))));
    }

    /// <inheritdoc cref="RunAsync{T}(string, Func{CancellationToken, Task{T}})"/>
    public Task<T> RunAsync<T>(string id, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(id, _ => work());
    }

    /// <inheritdoc cref="RunAsync{T}(string, Func{CancellationToken, Task{T}})"/>
    public Task<T> RunAsync<T>(string id, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(id, _ => Task.FromResult(work()));
    }

    /// <summary>Runs <paramref name="work"/> once.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="work">The step's body; retried on failure according to the function's retries. Its token is
    /// canceled when the call ends early: the run is canceled on the server (which aborts its in-flight call), the
    /// server gives up on the call (its call timeout) or disconnects, or the app stops.</param>
    public Task RunAsync(string id, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync<object?>(id, async cancellationToken =>
        {
            await work(cancellationToken).ConfigureAwait(false);
            return null;
        });
    }

    /// <inheritdoc cref="RunAsync(string, Func{CancellationToken, Task})"/>
    public Task RunAsync(string id, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(id, _ => work());
    }

    /// <inheritdoc cref="RunAsync(string, Func{CancellationToken, Task})"/>
    public Task RunAsync(string id, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync<object?>(id, () =>
        {
            work();
            return Task.FromResult<object?>(null);
        });
    }

    /// <summary>Pauses the run for <paramref name="duration"/> (rounded up to whole seconds) without holding any
    /// resources.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="duration">How long to sleep.</param>
    public Task SleepAsync(string id, TimeSpan duration) =>
        _call.Step<object?>(id, _ => null, (hash, index) => new PlannedStep(hash, id, index, OpCode.Sleep, TimeString.Format(duration), null, null));

    /// <summary>Pauses the run until <paramref name="until"/>.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="until">When to wake up.</param>
    public Task SleepUntilAsync(string id, DateTimeOffset until) =>
        _call.Step<object?>(id, _ => null, (hash, index) => new PlannedStep(hash, id, index, OpCode.Sleep, IsoInstant.Format(until), null, null));

    /// <summary>Waits for an event; returns it, or <c>null</c> when the timeout passes first.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="options">Which event, how long, and how it must relate to the triggering event.</param>
    public Task<Event<JsonObject>?> WaitForEventAsync(string id, WaitForEventOptions options) => WaitForEventAsync<JsonObject>(id, options);

    /// <summary>Waits for an event whose data is read as <typeparamref name="TData"/>; returns it, or <c>null</c> when
    /// the timeout passes first.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="options">Which event, how long, and how it must relate to the triggering event.</param>
    public Task<Event<TData>?> WaitForEventAsync<TData>(string id, WaitForEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Event);
        if (options.Match is not null && options.If is not null)
            throw new ArgumentException("Set either Match or If, not both.", nameof(options));
        var opts = new JsonObject { ["timeout"] = TimeString.Format(options.Timeout) };
        var condition = options.Match is { } path ? $"event.{path} == async.{path}" : options.If;
        if (condition is not null) opts["if"] = condition;
        return _call.Step(id, data => data is null ? null : EventReader.Read<TData>(data, _serializer),
            (hash, index) => new PlannedStep(hash, id, index, OpCode.WaitForEvent, options.Event, opts, null));
    }

    /// <summary>Sends one event, once per run; returns its id.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="event">The event.</param>
    public Task<IReadOnlyList<string>> SendEventAsync(string id, Event @event) => SendEventAsync(id, [@event]);

    /// <summary>Sends events, once per run; returns their ids in order.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="events">The events.</param>
    public Task<IReadOnlyList<string>> SendEventAsync(string id, IEnumerable<Event> events)
    {
        var batch = events.ToArray();
        return _call.Step<IReadOnlyList<string>>(id,
            data => data?["ids"]?.Deserialize<string[]>(JsonSerializerOptions.Web) ?? [],
            (hash, index) => new PlannedStep(hash, id, index, OpCode.StepRun, "sendEvent", new JsonObject { ["type"] = "step.sendEvent" },
                async cancellationToken =>
                {
                    var ids = await _client.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    return new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) };
                }));
    }

    /// <summary>Runs another function with <paramref name="data"/> as its event data, and returns its result. Throws
    /// <see cref="StepFailedException"/> when it fails or times out. Untyped: for functions of other apps and
    /// languages; for a C# function prefer <see cref="InvokeAsync{TData, TResult}(string, FunctionRef{TData, TResult}, TData, TimeSpan?)"/>.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="function">The function: its id within this app as a string (as set with
    /// <see cref="FunctionBuilder.Id(string)"/>), or <see cref="FunctionRef.ById(string)"/> for another app's.</param>
    /// <param name="data">Event data for the invoked run; <c>{}</c> when null.</param>
    /// <param name="timeout">How long to wait for the result; the server's default when null.</param>
    public Task<TResult> InvokeAsync<TResult>(string id, FunctionRef function, object? data = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return InvokeById<TResult>(id, function.Resolve(_appId), data is null ? null : _serializer.Serialize(data, data.GetType()), timeout);
    }

    /// <summary>Runs the function <paramref name="function"/> refers to with <paramref name="data"/> as its event data,
    /// and returns its typed result. Throws <see cref="StepFailedException"/> when it fails or times out.</summary>
    /// <typeparam name="TData">The invoked function's event data.</typeparam>
    /// <typeparam name="TResult">The invoked function's result.</typeparam>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="function">The function, e.g. <c>FunctionRef&lt;Order, Receipt&gt;.To&lt;ChargeCard&gt;()</c>.</param>
    /// <param name="data">Event data for the invoked run.</param>
    /// <param name="timeout">How long to wait for the result; the server's default when null.</param>
    public Task<TResult> InvokeAsync<TData, TResult>(string id, FunctionRef<TData, TResult> function, TData data, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return InvokeById<TResult>(id, function.Untyped.Resolve(_appId), _serializer.Serialize(data, typeof(TData)), timeout);
    }

    /// <summary>Runs the typed function <typeparamref name="TFunction"/> of this app with <paramref name="data"/> as its
    /// event data, and returns its typed result: <c>await ctx.Step.InvokeAsync&lt;SendReport, ReportRequest, Report&gt;("report", request)</c>.
    /// The function's id is read from its static <see cref="IFunctionDefinition.Define(FunctionBuilder)"/>; it is
    /// never constructed here.</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    /// <typeparam name="TData">Its event data.</typeparam>
    /// <typeparam name="TResult">Its result.</typeparam>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="data">Event data for the invoked run.</param>
    /// <param name="timeout">How long to wait for the result; the server's default when null.</param>
    public Task<TResult> InvokeAsync<TFunction, TData, TResult>(string id, TData data, TimeSpan? timeout = null)
        where TFunction : SwitchyardFunction<TData, TResult>, IFunctionDefinition =>
        InvokeAsync(id, FunctionRef<TData, TResult>.To<TFunction>(), data, timeout);

    private Task<TResult> InvokeById<TResult>(string id, string functionId, JsonNode? payload, TimeSpan? timeout)
    {
        var opts = new JsonObject
        {
            ["function_id"] = functionId,
            ["payload"] = new JsonObject { ["data"] = payload ?? new JsonObject() },
        };
        if (timeout is { } t) opts["timeout"] = TimeString.Format(t);
        return _call.Step(id, Read<TResult>, (hash, index) => new PlannedStep(hash, id, index, OpCode.InvokeFunction, id, opts, null));
    }

    private T Read<T>(JsonNode? data) => data is null ? default! : (T)_serializer.Deserialize(data, typeof(T))!;
}
