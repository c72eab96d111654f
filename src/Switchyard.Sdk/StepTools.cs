using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Sdk.Execution;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Durable steps, available as <see cref="FunctionContext{TData}.Step"/>. Each step runs (or waits) once per
/// run: its result is stored by the server and replayed on later calls, so the code around steps must be
/// deterministic. Step ids must be unique within a run; a repeated id is numbered automatically.</summary>
/// <remarks>The tasks returned for steps that have not happened yet never complete within the current call. Await
/// them (alone or with <see cref="Task.WhenAll(Task[])"/>), and do not use <c>ConfigureAwait(false)</c> in function
/// bodies: the SDK tells "waiting on steps" from "waiting on I/O" by watching the function's own continuations.</remarks>
public sealed class StepTools
{
    private readonly CallExecution _call;
    private readonly string _appId;
    private readonly SwitchyardClient _client;

    internal StepTools(CallExecution call, string appId, SwitchyardClient client)
    {
        _call = call;
        _appId = appId;
        _client = client;
    }

    /// <summary>Runs <paramref name="work"/> once and returns its result, which goes through a JSON round trip.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="work">The step's body; retried on failure according to the function's retries.</param>
    public Task<T> Run<T>(string id, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _call.Step(id, Read<T>, (hash, index) => new PlannedStep(hash, id, index, OpCode.StepRun, id, null,
            async _ => JsonSerializer.SerializeToNode(await work().ConfigureAwait(false), SwitchyardOptions.Json)));
    }

    /// <inheritdoc cref="Run{T}(string, Func{Task{T}})"/>
    public Task<T> Run<T>(string id, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Run(id, () => Task.FromResult(work()));
    }

    /// <summary>Runs <paramref name="work"/> once.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="work">The step's body; retried on failure according to the function's retries.</param>
    public Task Run(string id, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Run<object?>(id, async () =>
        {
            await work().ConfigureAwait(false);
            return null;
        });
    }

    /// <inheritdoc cref="Run(string, Func{Task})"/>
    public Task Run(string id, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Run<object?>(id, () =>
        {
            work();
            return Task.FromResult<object?>(null);
        });
    }

    /// <summary>Pauses the run for <paramref name="duration"/> (rounded up to whole seconds) without holding any
    /// resources.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="duration">How long to sleep.</param>
    public Task Sleep(string id, TimeSpan duration) =>
        _call.Step<object?>(id, _ => null, (hash, index) => new PlannedStep(hash, id, index, OpCode.Sleep, TimeString.Format(duration), null, null));

    /// <summary>Pauses the run until <paramref name="until"/>.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="until">When to wake up.</param>
    public Task SleepUntil(string id, DateTimeOffset until) =>
        _call.Step<object?>(id, _ => null, (hash, index) => new PlannedStep(hash, id, index, OpCode.Sleep, IsoInstant.Format(until), null, null));

    /// <summary>Waits for an event; returns it, or <c>null</c> when the timeout passes first.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="options">Which event, how long, and how it must relate to the triggering event.</param>
    public Task<Event<JsonObject>?> WaitForEvent(string id, WaitForEventOptions options) => WaitForEvent<JsonObject>(id, options);

    /// <summary>Waits for an event whose data is read as <typeparamref name="TData"/>; returns it, or <c>null</c> when
    /// the timeout passes first.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="options">Which event, how long, and how it must relate to the triggering event.</param>
    public Task<Event<TData>?> WaitForEvent<TData>(string id, WaitForEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Event);
        if (options.Match is not null && options.If is not null)
            throw new ArgumentException("Set either Match or If, not both.", nameof(options));
        var opts = new JsonObject { ["timeout"] = TimeString.Format(options.Timeout) };
        var condition = options.Match is { } path ? $"event.{path} == async.{path}" : options.If;
        if (condition is not null) opts["if"] = condition;
        return _call.Step(id, data => data is null ? null : EventReader.Read<TData>(data),
            (hash, index) => new PlannedStep(hash, id, index, OpCode.WaitForEvent, options.Event, opts, null));
    }

    /// <summary>Sends one event, once per run; returns its id.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="event">The event.</param>
    public Task<IReadOnlyList<string>> SendEvent(string id, Event @event) => SendEvent(id, [@event]);

    /// <summary>Sends events, once per run; returns their ids in order.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="events">The events.</param>
    public Task<IReadOnlyList<string>> SendEvent(string id, IEnumerable<Event> events)
    {
        var batch = events.ToArray();
        return _call.Step<IReadOnlyList<string>>(id,
            data => data?["ids"]?.Deserialize<string[]>(SwitchyardOptions.Json) ?? [],
            (hash, index) => new PlannedStep(hash, id, index, OpCode.StepRun, "sendEvent", new JsonObject { ["type"] = "step.sendEvent" },
                async cancellationToken =>
                {
                    var ids = await _client.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    return new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) };
                }));
    }

    /// <summary>Runs another function with <paramref name="data"/> as its event data, and returns its result. Throws
    /// <see cref="StepFailedException"/> when it fails or times out.</summary>
    /// <param name="id">Step id, unique within the run.</param>
    /// <param name="function">The function: its id within this app as a string (as set with
    /// <see cref="FunctionBuilder.Id(string)"/>), or <see cref="FunctionRef.ById(string)"/> for another app's.</param>
    /// <param name="data">Event data for the invoked run; <c>{}</c> when null.</param>
    /// <param name="timeout">How long to wait for the result; the server's default when null.</param>
    public Task<TResult> Invoke<TResult>(string id, FunctionRef function, object? data = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var payload = data is null ? new JsonObject() : JsonSerializer.SerializeToNode(data, SwitchyardOptions.Json);
        var opts = new JsonObject
        {
            ["function_id"] = function.Resolve(_appId),
            ["payload"] = new JsonObject { ["data"] = payload },
        };
        if (timeout is { } t) opts["timeout"] = TimeString.Format(t);
        return _call.Step(id, Read<TResult>, (hash, index) => new PlannedStep(hash, id, index, OpCode.InvokeFunction, id, opts, null));
    }

    private static T Read<T>(JsonNode? data) => data is null ? default! : data.Deserialize<T>(SwitchyardOptions.Json)!;
}
