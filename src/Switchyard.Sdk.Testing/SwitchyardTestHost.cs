using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Protocol.Events;
using Switchyard.Protocol.Steps;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk.Testing;

/// <summary>Runs Switchyard functions in a unit test, without a server. Each run goes through the SDK's real call
/// path, entered once per step as the server does, so memoization and replay behave as in production: step bodies run
/// once, code outside steps runs on every call. Sleeps, wait timeouts and retry backoff advance the virtual clock
/// <see cref="Time"/> instead of waiting. Retries and <see cref="NonRetriableException"/> follow the server's
/// defaults; <c>OnFailureAsync</c> runs after a final failure.</summary>
/// <example>
/// <code>
/// await using var host = SwitchyardTestHost.Create(sdk => sdk.AddFunction&lt;SignupFlow&gt;(), services => services.AddSingleton&lt;IGreeter, Greeter&gt;());
/// host.SendEvent(new Event("app/approved", new { id = "u1" }), after: TimeSpan.FromMinutes(5));
/// var run = await host.RunAsync&lt;SignupFlow, UserCreated, SignupResult&gt;(new UserCreated("u1", "Ada", "pro"));
/// Assert.True(run.Result!.Approved);
/// </code>
/// </example>
public sealed class SwitchyardTestHost : IAsyncDisposable
{
    /// <summary>Where the SDK's client is pointed; nothing listens there, the test host answers in process.</summary>
    private static readonly Uri FakeServer = new("http://switchyard.test/");

    private readonly ServiceProvider _services;
    private readonly List<(TimeSpan After, JsonObject Event)> _scheduled = [];
    private readonly Dictionary<string, Func<JsonNode?, JsonNode?>> _stubs = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _sent = [];
    private readonly Stack<RunDriver> _active = new();
    private int _runs;
    private int _eventIds;

    private SwitchyardTestHost(Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services, Action<SwitchyardOptions>? configure, FakeTimeProvider time)
    {
        Time = time;
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<TimeProvider>(time);
        services?.Invoke(collection);
        functions(collection.AddSwitchyard(o =>
        {
            o.AppId = "test-app";
            o.ServerUrl = FakeServer;
            // One step per call (the classic protocol) by default: every step re-enters the function, so code that
            // does not replay deterministically fails here rather than in production.
            o.CheckpointBudget = TimeSpan.Zero;
            configure?.Invoke(o);
            o.ServerUrl = FakeServer;
        }));
        collection.AddHttpClient(SwitchyardClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new EventApiHandler(this));
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var options = _services.GetRequiredService<IOptions<SwitchyardOptions>>().Value;
        AppId = options.AppId;
        Serializer = options.Serializer;
        Endpoint = _services.GetRequiredService<ServeEndpoint>();
        Registry = _services.GetRequiredService<FunctionRegistry>();
    }

    /// <summary>Creates a test host serving the functions <paramref name="functions"/> adds.</summary>
    /// <param name="functions">Adds the functions under test: <c>sdk => sdk.AddFunction&lt;MyFunction&gt;()</c>.</param>
    /// <param name="services">Adds the services the functions need (fakes of your own dependencies).</param>
    /// <param name="configure">Changes <see cref="SwitchyardOptions"/> (app id, serializer, checkpoint budget: zero by
    /// default here, so each step is its own call); the server URL always points at the test host.</param>
    /// <param name="time">The virtual clock; a new <see cref="FakeTimeProvider"/> at 2025-01-01 UTC when null. It is
    /// registered as the <see cref="TimeProvider"/> of the functions' services.</param>
    public static SwitchyardTestHost Create(Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null,
        Action<SwitchyardOptions>? configure = null, FakeTimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return new SwitchyardTestHost(functions, services, configure, time ?? new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    /// <summary>The virtual clock: sleeps, wait timeouts and retry delays advance it.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The functions' service provider.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Events the functions sent (<c>SendEventAsync</c> steps or <see cref="SwitchyardClient"/>), in order,
    /// as the server's Event API received them (<c>name</c>, <c>data</c>, <c>id</c>, <c>ts</c>).</summary>
    public IReadOnlyList<JsonObject> SentEvents => _sent;

    internal string AppId { get; }

    internal Serialization.ISwitchyardSerializer Serializer { get; }

    internal ServeEndpoint Endpoint { get; }

    internal FunctionRegistry Registry { get; }

    /// <summary>Sends <paramref name="event"/> to each run started afterwards, <paramref name="after"/> into the run (virtual
    /// time): a <c>WaitForEventAsync</c> open at that moment for its name (and, with <c>Match</c>, the same value at
    /// the path) receives it. A wait that gets no event returns null once its timeout passes on the virtual clock.
    /// Events the functions send themselves reach waits too.</summary>
    /// <param name="event">The event.</param>
    /// <param name="after">When it arrives, from the run's start; zero: at once (a wait opened at the start gets it).</param>
    public SwitchyardTestHost SendEvent(Event @event, TimeSpan? after = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentException.ThrowIfNullOrWhiteSpace(@event.Name);
        var data = @event.Data is null ? [] : Serializer.Serialize(@event.Data, @event.Data.GetType()) as JsonObject
            ?? throw new ArgumentException($"The data of event \"{@event.Name}\" must serialize to a JSON object.", nameof(@event));
        var json = new JsonObject { ["name"] = @event.Name, ["data"] = data, ["id"] = @event.Id ?? NextEventId() };
        if (@event.Timestamp is { } ts) json["ts"] = ts.ToUnixTimeMilliseconds();
        _scheduled.Add((after ?? TimeSpan.Zero, json));
        return this;
    }

    /// <summary>Answers invokes of <paramref name="function"/> with <paramref name="handler"/> instead of running it.
    /// An exception from the handler fails the invoke: the invoking function gets a <see cref="StepFailedException"/>.
    /// Without a stub, an invoke of a function this host serves runs it (as a child run); any other fails as the
    /// server fails an invoke of an unregistered function.</summary>
    /// <typeparam name="TData">The invoked function's data.</typeparam>
    /// <typeparam name="TResult">Its result.</typeparam>
    /// <param name="function">The function, as the code under test refers to it.</param>
    /// <param name="handler">Computes the result from the invoke's data.</param>
    public SwitchyardTestHost StubInvoke<TData, TResult>(FunctionRef<TData, TResult> function, Func<TData, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(handler);
        _stubs[function.Untyped.Resolve(AppId)] = data =>
        {
            var input = (TData)Serializer.Deserialize(data ?? new JsonObject(), typeof(TData))!;
            var result = handler(input);
            return result is null ? null : Serializer.Serialize(result, typeof(TResult));
        };
        return this;
    }

    /// <summary>Runs <typeparamref name="TFunction"/> to its end for an event carrying <paramref name="data"/>.</summary>
    /// <typeparam name="TFunction">The function class; it must have been added.</typeparam>
    /// <typeparam name="TData">Its event data.</typeparam>
    /// <typeparam name="TResult">Its result.</typeparam>
    /// <param name="data">The event's data.</param>
    /// <param name="eventName">The event's name; the function's first event trigger when null.</param>
    /// <param name="cancellationToken">Stops the run between calls.</param>
    public Task<TestRun<TResult>> RunAsync<TFunction, TData, TResult>(TData data, string? eventName = null, CancellationToken cancellationToken = default)
        where TFunction : SwitchyardFunction<TData, TResult> =>
        RunAsync<TData, TResult>(Definition(typeof(TFunction)), data, eventName, cancellationToken);

    private FunctionDefinition Definition(Type type) =>
        Registry.All.FirstOrDefault(d => !d.IsFailureHandler && d.Type == type)
            ?? throw new InvalidOperationException($"{type.Name} is not added to this test host: add it in Create(sdk => sdk.AddFunction<{type.Name}>()).");

    /// <summary>Runs <typeparamref name="TFunction"/>, a function with an untyped result, to its end for an event
    /// carrying <paramref name="data"/>; the result is its JSON form.</summary>
    /// <typeparam name="TFunction">The function class; it must have been added.</typeparam>
    /// <typeparam name="TData">Its event data.</typeparam>
    /// <param name="data">The event's data.</param>
    /// <param name="eventName">The event's name; the function's first event trigger when null.</param>
    /// <param name="cancellationToken">Stops the run between calls.</param>
    public Task<TestRun<JsonNode?>> RunAsync<TFunction, TData>(TData data, string? eventName = null, CancellationToken cancellationToken = default)
        where TFunction : SwitchyardFunction<TData> =>
        RunAsync<TData, JsonNode?>(Definition(typeof(TFunction)), data, eventName, cancellationToken);

    /// <summary>Runs the function <paramref name="function"/> refers to (one this host serves) to its end for an event
    /// carrying <paramref name="data"/>.</summary>
    /// <typeparam name="TData">Its event data.</typeparam>
    /// <typeparam name="TResult">Its result.</typeparam>
    /// <param name="function">The function.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="eventName">The event's name; the function's first event trigger when null.</param>
    /// <param name="cancellationToken">Stops the run between calls.</param>
    public Task<TestRun<TResult>> RunAsync<TData, TResult>(FunctionRef<TData, TResult> function, TData data, string? eventName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        var id = function.Untyped.Resolve(AppId);
        var definition = Registry.Find(id) ?? throw new InvalidOperationException($"Function \"{id}\" is not served by this test host.");
        return RunAsync<TData, TResult>(definition, data, eventName, cancellationToken);
    }

    private async Task<TestRun<TResult>> RunAsync<TData, TResult>(FunctionDefinition definition, TData data, string? eventName, CancellationToken cancellationToken)
    {
        var name = eventName ?? definition.Config.Triggers.Select(t => t.Event).FirstOrDefault(e => e is not null)
            ?? (definition.HasCron ? InternalEvents.ScheduledTimer : throw new InvalidOperationException($"Function \"{definition.LocalId}\" has no event trigger; pass eventName."));
        var payload = data is null ? new JsonObject() : Serializer.Serialize(data, typeof(TData)) as JsonObject
            ?? throw new ArgumentException($"The event data must serialize to a JSON object.", nameof(data));
        var trigger = Event(name, payload);
        var outcome = await DriveAsync(definition, trigger, cancellationToken).ConfigureAwait(false);
        TestRun<object?>? handler = null;
        if (outcome.Status == TestRunStatus.Failed && Registry.Find(FunctionDefinition.CompositeId(AppId, definition.LocalId + "-failure")) is { } onFailure)
        {
            // As the server's inngest/function.failed: the failed function, run, error and original event.
            var failed = Event(InternalEvents.FunctionFailed, new JsonObject
            {
                ["function_id"] = FunctionDefinition.CompositeId(AppId, definition.LocalId),
                ["run_id"] = outcome.RunId,
                ["error"] = outcome.Error?.DeepClone(),
                ["event"] = trigger.DeepClone(),
            });
            handler = Typed<object?>(await DriveAsync(onFailure, failed, cancellationToken).ConfigureAwait(false), null);
        }
        return Typed<TResult>(outcome, handler);
    }

    private async Task<RunOutcome> DriveAsync(FunctionDefinition definition, JsonObject triggerEvent, CancellationToken cancellationToken)
    {
        var runId = $"test-run-{++_runs}";
        var driver = new RunDriver(this, definition, runId, triggerEvent);
        var start = Time.GetUtcNow();
        foreach (var (after, e) in _scheduled)
        {
            var copy = (JsonObject)e.DeepClone();
            copy["ts"] ??= (start + after).ToUnixTimeMilliseconds();
            driver.Offer(new ScheduledEvent(start + after, copy));
        }
        _active.Push(driver);
        try
        {
            return await driver.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _active.Pop();
        }
    }

    private TestRun<TResult> Typed<TResult>(RunOutcome outcome, TestRun<object?>? handler)
    {
        var result = outcome.Status == TestRunStatus.Completed && outcome.Result is not null
            ? (TResult?)Serializer.Deserialize(outcome.Result, typeof(TResult))
            : default;
        var error = outcome.Error is null ? null : new FunctionFailure(
            Text(outcome.Error["name"]) ?? "Error", Text(outcome.Error["message"]) ?? "", Text(outcome.Error["stack"]));
        return new TestRun<TResult>(outcome.RunId, outcome.Status, result, error, outcome.Calls, outcome.StepAttempts, outcome.Elapsed, handler);
    }

    /// <summary>An invoke step: a stub's answer, the invoked function's run when this host serves it, or the server's
    /// error for an unknown function; in the memoized form (<c>{"data"}</c> or <c>{"error"}</c>).</summary>
    internal async Task<JsonObject> InvokeAsync(string functionId, JsonObject data, string parentRunId, string stepHash, CancellationToken cancellationToken)
    {
        if (_stubs.TryGetValue(functionId, out var stub))
        {
            try
            {
                return StepResult.Data(stub(data));
            }
            catch (Exception e)
            {
                return StepResult.Error(RunDriver.Error(e.GetType().Name, e.Message));
            }
        }
        if (Registry.Find(functionId) is not { } target)
            return StepResult.Error(RunDriver.Error("InvokeError", $"function '{functionId}' is not registered"));
        var payload = (JsonObject)data.DeepClone();
        payload["_inngest"] = new JsonObject { ["fn_id"] = functionId, ["correlation_id"] = $"{parentRunId}.{stepHash}" };
        // The child runs on the same clock: the parent's invoke takes as long as the child's run.
        var child = await DriveAsync(target, Event(InternalEvents.FunctionInvoked, payload), cancellationToken).ConfigureAwait(false);
        return child.Status == TestRunStatus.Completed ? StepResult.Data(child.Result) : StepResult.Error(child.Error);
    }

    /// <summary>An event the functions sent through the SDK's client: recorded, and offered to the running run's waits.</summary>
    internal string RecordSentEvent(JsonObject e)
    {
        var id = Text(e["id"]) is { Length: > 0 } given ? given : NextEventId();
        e["id"] = id;
        lock (_sent) _sent.Add(e);
        if (_active.TryPeek(out var driver)) driver.Offer(new ScheduledEvent(Time.GetUtcNow(), (JsonObject)e.DeepClone()));
        return id;
    }

    private JsonObject Event(string name, JsonObject data) => new()
    {
        ["name"] = name,
        ["data"] = data.DeepClone(),
        ["id"] = NextEventId(),
        ["ts"] = Time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    private string NextEventId() => $"test-event-{Interlocked.Increment(ref _eventIds)}";

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
