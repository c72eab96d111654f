using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Configuration;
using Switchyard.Engine.Events;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Storage.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>The engine alone — no HTTP server, no real waiting: the DI graph of <c>AddSwitchyardEngine</c> on a SQLite
/// file, with a <see cref="FakeTimeProvider"/> as the only clock and the app answered in memory by a script. Tests move
/// time with <see cref="Advance"/>; retries, sleeps, waits and debounce fire when the fake clock passes their due time.</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    public const string AppUrl = "http://app.test/api/switchyard";
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];
    private readonly string _dir = TempDir.Create();

    private EngineHost(Func<AppCall, AppAnswer> app, Action<ServerOptions>? configure, DateTimeOffset start, Action<IServiceCollection>? services = null)
    {
        Clock = new FakeTimeProvider(start);
        // The shutdown grace is timed on the fake clock, which nothing moves at dispose: cut calls off at once instead.
        var options = new ServerOptions { Dev = true, DataDir = _dir, RetryBaseDelay = TimeSpan.FromSeconds(10), ShutdownGrace = TimeSpan.Zero };
        configure?.Invoke(options);
        var s = new ServiceCollection();
        s.AddLogging(b => b.AddProvider(Logs));
        s.AddSingleton<TimeProvider>(Clock);
        s.AddSwitchyardEngine(options);
        s.AddSqliteStore(options.SqlitePath);
        s.AddHttpClient(AppClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new ScriptedApp(this, app));
        services?.Invoke(s);
        _services = s.BuildServiceProvider();
    }

    /// <summary>The only clock the engine reads.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The directory of the store.</summary>
    public string DataDir => _dir;

    /// <summary>The engine's warnings and errors.</summary>
    public CollectedLogs Logs { get; } = new();

    /// <summary>Every call the app received, in order.</summary>
    public ConcurrentQueue<AppCall> Calls { get; } = new();

    public IStore Store => _services.GetRequiredService<IStore>();

    public static async Task<EngineHost> StartAsync(JsonObject function, Func<AppCall, AppAnswer> app, Action<ServerOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var host = new EngineHost(app, configure, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), services);
        await host.InitializeAsync();
        var fn = JsonSerializer.Deserialize<FunctionConfig>(function.ToJsonString(), ProtocolJson.Options)!;
        var (_, error) = await host._services.GetRequiredService<AppRegistration>().RegisterAsync(
            new RegisterRequest { AppName = "clock-app", Url = AppUrl, Functions = [fn] }, CancellationToken.None);
        Assert.Null(error);
        await host.StartSchedulerAsync();
        return host;
    }

    /// <summary>Replaces the app's function set with <paramref name="functions"/> (a re-sync).</summary>
    public async Task RegisterAsync(params JsonObject[] functions)
    {
        var configs = functions.Select(f => JsonSerializer.Deserialize<FunctionConfig>(f.ToJsonString(), ProtocolJson.Options)!).ToArray();
        var (_, error) = await _services.GetRequiredService<AppRegistration>().RegisterAsync(
            new RegisterRequest { AppName = "clock-app", Url = AppUrl, Functions = configs }, CancellationToken.None);
        Assert.Null(error);
    }

    /// <summary>Opens the store files copied from <paramref name="storeDir"/> (e.g. one written by an earlier build) with
    /// the clock at <paramref name="start"/>; the functions are those the store's registry holds.</summary>
    public static async Task<EngineHost> OpenAsync(string storeDir, DateTimeOffset start, Func<AppCall, AppAnswer> app)
    {
        var host = new EngineHost(app, null, start);
        foreach (var file in Directory.GetFiles(storeDir, "switchyard*")) File.Copy(file, Path.Combine(host._dir, Path.GetFileName(file)));
        await host.InitializeAsync();
        await host.StartSchedulerAsync();
        return host;
    }

    private async Task InitializeAsync()
    {
        await Store.InitializeAsync(CancellationToken.None);
        await _services.GetRequiredService<FunctionRegistry>().ReloadAsync(CancellationToken.None);
    }

    /// <summary>Starts the cron ticker too (on the fake clock) and waits until it has seen every schedule once.</summary>
    public async Task StartCronAsync()
    {
        var cron = _services.GetRequiredService<Switchyard.Engine.Scheduling.CronTicker>();
        await cron.StartAsync(CancellationToken.None);
        _started.Add(cron);
        await Until(async () => (await Store.Reader.KvListAsync(Switchyard.Engine.Scheduling.CronTicker.Namespace, CancellationToken.None)).Count > 0, "the cron ticker's first sight of the schedule");
    }

    /// <summary>Starts the work-queue dispatcher too (on the fake clock).</summary>
    public async Task StartQueueAsync()
    {
        var dispatcher = _services.GetRequiredService<Switchyard.Engine.Work.QueueDispatcher>();
        await dispatcher.StartAsync(CancellationToken.None);
        _started.Add(dispatcher);
    }

    /// <summary>Only the scheduler runs: the pieces under test are timers, not the telemetry or cron loops.</summary>
    private async Task StartSchedulerAsync()
    {
        var scheduler = _services.GetRequiredService<LocalScheduler>();
        await scheduler.StartAsync(CancellationToken.None);
        _started.Add(scheduler);
    }

    /// <summary>A function triggered by <paramref name="eventName"/>, with extra config merged in.</summary>
    public static JsonObject Function(string id, string eventName, JsonObject? extra = null)
    {
        var fn = new JsonObject
        {
            ["id"] = id,
            ["name"] = id,
            ["triggers"] = new JsonArray(new JsonObject { ["event"] = eventName }),
            ["steps"] = new JsonObject { ["step"] = new JsonObject { ["id"] = "step", ["name"] = "step", ["runtime"] = new JsonObject { ["type"] = "http", ["url"] = $"{AppUrl}?fnId={id}&stepId=step" } } },
        };
        foreach (var (k, v) in extra ?? []) fn[k] = v?.DeepClone();
        return fn;
    }

    /// <summary>Reads the engine's services (e.g. the registry) in tests.</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public async Task<string> SendAsync(string name, JsonObject? data = null) =>
        (await _services.GetRequiredService<EventIngest>().IngestAsync([new IncomingEvent(name, data ?? [], null, null, null, null)], "test", CancellationToken.None))[0];

    /// <summary>Moves the fake clock. Timers due by then fire; nothing waits in real time.</summary>
    public void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>The runs of <paramref name="functionId"/>, oldest first, once there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<RunRecord>> RunsAsync(string functionId, int count = 1)
    {
        IReadOnlyList<RunRecord> runs = [];
        await Until(async () => (runs = await Store.Reader.ListRunsAsync(null, functionId, null, 100, CancellationToken.None)).Count >= count, $"{count} run(s) of {functionId}");
        return runs.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string runId) => await Store.Reader.GetHistoryAsync(runId, CancellationToken.None);

    /// <summary>Waits (for the engine's own processing, on real threads; never for a timer) until the run's history
    /// has <paramref name="count"/> entries of <paramref name="kind"/>.</summary>
    public async Task UntilHistoryAsync(string runId, HistoryKind kind, int count = 1)
    {
        try
        {
            await Until(async () => (await HistoryAsync(runId)).Count(h => h.Kind == kind) >= count, $"{count} × {kind} in run {runId}");
        }
        catch (TimeoutException ex)
        {
            var history = string.Join("\n", (await HistoryAsync(runId)).Select(h => $"  {h.Kind} {h.StepName ?? h.StepHash} {h.Detail}"));
            throw new TimeoutException($"{ex.Message}; history so far:\n{history}\nengine log:\n{string.Join("\n", Logs.Entries)}", ex);
        }
    }

    public Task UntilStatusAsync(string runId, RunStatus status) =>
        Until(async () => (await Store.Reader.GetRunAsync(runId, CancellationToken.None))?.Status == status, $"run {runId} {status}");

    /// <summary>Lets already-due work drain, then checks nothing more happened: used to show a timer did NOT fire.</summary>
    public async Task SettleAsync()
    {
        // Settled: no new call for 200 ms in a row (a loaded machine can take longer than one short pause to make
        // the next call), bounded at 5 s.
        var (seen, quiet) = (Calls.Count, 0);
        for (var i = 0; i < 200 && quiet < 8; i++)
        {
            await Task.Delay(25);
            if (Calls.Count == seen) quiet++;
            else (seen, quiet) = (Calls.Count, 0);
        }
    }

    /// <summary>Waits until the app has been called at least <paramref name="count"/> times.</summary>
    public Task UntilCallsAsync(int count) =>
        Until(() => Task.FromResult(Calls.Count >= count), $"{count} calls to the app (made: {Calls.Count})");

    private static Task Until(Func<Task<bool>> condition, string what) =>
        Eventually.TrueAsync(condition, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _started) await service.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    /// <summary>Answers the engine's calls in memory, as an SDK would over HTTP.</summary>
    private sealed class ScriptedApp(EngineHost host, Func<AppCall, AppAnswer> script) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            var call = new AppCall(host.Calls.Count, body, host.Clock.GetUtcNow());
            host.Calls.Enqueue(call);
            var answer = script(call);
            var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
            {
                Content = new StringContent(answer.Body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            response.Headers.TryAddWithoutValidation(Headers.Sdk, "clock-test:v1");
            return response;
        }
    }
}

/// <summary>One call the app received: its index, the request body and the fake time it was made at.</summary>
internal sealed record AppCall(int Index, JsonObject Body, DateTimeOffset At)
{
    /// <summary>The memoized steps the engine sent.</summary>
    public JsonObject Steps => Body["steps"] as JsonObject ?? [];
}

/// <summary>What the scripted app answers.</summary>
internal sealed record AppAnswer(int Status, JsonNode Body)
{
    public static AppAnswer Done(JsonNode? result) => new(200, result ?? JsonValue.Create("done"));

    public static AppAnswer Error(string message) => new(500, new JsonObject { ["name"] = "Error", ["message"] = message });

    public static AppAnswer Op(string code, string id, JsonObject? opts = null, string? name = null) =>
        new(206, new JsonArray(new JsonObject { ["op"] = code, ["id"] = id, ["name"] = name ?? id, ["displayName"] = id, ["opts"] = opts }));
}
