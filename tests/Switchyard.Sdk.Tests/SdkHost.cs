using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

/// <summary>A real Kestrel app serving the test functions, which also plays the server's <c>/e</c> and
/// <c>/fn/register</c> endpoints so that the SDK's outgoing calls can be recorded.</summary>
public sealed class SdkHost : IAsyncLifetime
{
    public const string AppId = "test-app";

    private readonly string? _signingKey;
    private readonly string? _signingKeyFallback;
    private readonly string? _eventKey;
    private readonly TimeSpan _checkpointBudget;
    private readonly Action<SwitchyardBuilder>? _functions;
    private readonly Action<SwitchyardOptions>? _configure;
    private readonly TimeProvider? _time;
    private WebApplication? _app;

    /// <summary>A host in dev mode: no keys, nothing verified, one step per call (the classic protocol).</summary>
    public SdkHost()
    {
    }

    /// <summary>A host in dev mode that checkpoints: a call runs steps one after another for up to
    /// <paramref name="checkpointBudget"/>.</summary>
    internal SdkHost(TimeSpan checkpointBudget)
    {
        _checkpointBudget = checkpointBudget;
    }

    /// <summary>A host serving only <paramref name="functions"/>, with options changed by <paramref name="configure"/>.</summary>
    internal SdkHost(Action<SwitchyardBuilder> functions, Action<SwitchyardOptions>? configure = null)
    {
        _functions = functions;
        _configure = configure;
    }

    /// <summary>A host with keys: with a signing key, the SDK verifies signatures (cloud mode), on <paramref name="time"/>
    /// when given (else the system clock).</summary>
    internal SdkHost(string? signingKey, string? signingKeyFallback = null, string? eventKey = null, TimeProvider? time = null)
    {
        _time = time;
        _signingKey = signingKey;
        _signingKeyFallback = signingKeyFallback;
        _eventKey = eventKey;
    }

    public HttpClient Http { get; } = new();

    public IServiceProvider Services => _app!.Services;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri ServeUrl => new(BaseUrl, "/api/switchyard");

    public ConcurrentQueue<(string Key, JsonArray Events)> SentEvents { get; } = new();

    public ConcurrentQueue<(IQueryCollection Query, IHeaderDictionary Headers, JsonObject Body)> Registrations { get; } = new();

    /// <summary>What the fake <c>/fn/register</c> answers: HTTP status and body.</summary>
    public (int Status, string Body) RegisterReply { get; set; } = (200, """{"ok":true,"modified":true}""");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IGreeter, Greeter>();
        if (_time is not null) builder.Services.AddSingleton(_time);
        var sdk = builder.Services.AddSwitchyard(o =>
            {
                o.AppId = AppId;
                o.StepNotFoundTimeout = TimeSpan.FromMilliseconds(300);
                o.CheckpointBudget = _checkpointBudget;
                // Explicit empty strings keep a developer's SWITCHYARD_* environment out of these tests.
                o.SigningKey = _signingKey ?? "";
                o.SigningKeyFallback = _signingKeyFallback ?? "";
                o.EventKey = _eventKey ?? "";
                _configure?.Invoke(o);
            });
        if (_functions is not null) _functions(sdk);
        else sdk
            .AddFunction<OneStep>()
            .AddFunction<Sequential>()
            .AddFunction<ParallelSteps>()
            .AddFunction<IoThenParallel>()
            .AddFunction<Sleeper>()
            .AddFunction<SleepUntilFunction>()
            .AddFunction<Waiter>()
            .AddFunction<Invoker>()
            .AddFunction<OtherAppInvoker>()
            .AddFunction<Sender>()
            .AddFunction<FailingStep>()
            .AddFunction<NonRetriableStep>()
            .AddFunction<Thrower>()
            .AddFunction<Greeting>()
            .AddFunction<CronTick>()
            .AddFunction<Wildcard>()
            .AddFunction<RunThenFail>()
            .AddFunction<RunThenSleep>()
            .AddFunction<RunThenThrow>()
            .AddFunction<RunThenParallel>()
            .AddFunction<ParallelFailing>();

        _app = builder.Build();
        _app.MapSwitchyard();
        _app.MapPost("/e/{key}", async (string key, HttpRequest request) =>
        {
            var events = (await JsonNode.ParseAsync(request.Body))!.AsArray();
            SentEvents.Enqueue((key, events));
            var ids = new JsonArray(events.Select((_, i) => (JsonNode)$"01TESTEVENT{i}").ToArray());
            return Results.Json(new JsonObject { ["ids"] = ids, ["status"] = 200 });
        });
        _app.MapPost("/fn/register", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            // The request itself is recycled after the response; keep copies.
            Registrations.Enqueue((new QueryCollection(request.Query.ToDictionary()), new HeaderDictionary(request.Headers.ToDictionary()), body));
            return Results.Content(RegisterReply.Body, "application/json", Encoding.UTF8, RegisterReply.Status);
        });
        await _app.StartAsync();

        BaseUrl = new Uri(_app.Urls.First());
        // The port is only known once Kestrel listens; the SDK reads the options at each request.
        _app.Services.GetRequiredService<IOptions<SwitchyardOptions>>().Value.ServerUrl = BaseUrl;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>POSTs a call request as the server would.</summary>
    public async Task<CallResult> CallAsync(
        string fnId,
        string stepId = "step",
        JsonObject? data = null,
        JsonObject? steps = null,
        string[]? stack = null,
        int attempt = 0,
        int maxAttempts = 4,
        bool disableImmediateExecution = false,
        string eventName = "test/one",
        CancellationToken cancellationToken = default)
    {
        var evt = new JsonObject { ["name"] = eventName, ["data"] = data?.DeepClone() ?? new JsonObject(), ["id"] = "01EVT", ["ts"] = 1732650000000, ["user"] = new JsonObject() };
        stack ??= steps?.Select(p => p.Key).ToArray() ?? [];
        var body = new JsonObject
        {
            ["event"] = evt,
            ["events"] = new JsonArray(evt.DeepClone()),
            ["steps"] = steps?.DeepClone() ?? new JsonObject(),
            ["ctx"] = new JsonObject
            {
                ["run_id"] = "01RUN",
                ["attempt"] = attempt,
                ["max_attempts"] = maxAttempts,
                ["disable_immediate_execution"] = disableImmediateExecution,
                ["use_api"] = false,
                ["stack"] = new JsonObject { ["stack"] = new JsonArray(stack.Select(s => (JsonNode)s).ToArray()), ["current"] = stack.Length },
            },
            ["version"] = 2,
            ["use_api"] = false,
        };
        var url = $"{ServeUrl}?fnId={AppId}-{fnId}&stepId={stepId}";
        return await SendAsync(HttpMethod.Post, url, body.ToJsonString(), cancellationToken: cancellationToken);
    }

    public async Task<CallResult> SendAsync(HttpMethod method, string url, string? body, IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, new MediaTypeHeaderValue("application/json"));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new CallResult((int)response.StatusCode, response.Headers, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}

/// <summary>A response of the serve endpoint.</summary>
public sealed record CallResult(int Status, HttpResponseHeaders Headers, JsonNode? Body)
{
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public JsonArray Ops => Body!.AsArray();

    public JsonObject Op => Assert.Single(Ops)!.AsObject();
}

[CollectionDefinition(Name)]
public sealed class SdkHostCollection : ICollectionFixture<SdkHost>
{
    public const string Name = "sdk host";
}
