using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Insight;
using Switchyard.Engine.Operations;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary>The REST API under <c>/v1/</c>, which the CLI and dashboard use exclusively. Outside dev mode every call
/// needs <c>Authorization: Bearer &lt;api token&gt;</c>.</summary>
public static class RestApi
{
    /// <summary>Largest page size.</summary>
    public const int MaxCount = 10_000;

    /// <summary>Maps <c>/v1/*</c>, <c>/health</c>, and the orchestrators' probes <c>/health/live</c> and
    /// <c>/health/ready</c> (public like <c>/health</c>: a kubelet or load balancer holds no token).</summary>
    public static void MapRestApi(this IEndpointRouteBuilder app)
    {
        // Uptime counts from when the routes are mapped (the server's build), on the server's clock.
        var startedAt = app.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        app.MapGet("/health", (HttpContext http, IStore store, ServerOptions options, TimeProvider time) => Health(http, store, options, time, startedAt)).Produces<ServerHealth>();
        // Liveness touches nothing but the request pipeline: a store outage must not make Kubernetes restart replicas.
        app.MapGet("/health/live", () => Results.Json(new HealthProbe("live"))).Produces<HealthProbe>();
        app.MapGet("/health/ready", async (IStore store, ServerReadiness readiness, CancellationToken ct) =>
                await readiness.ProblemAsync(store, ServerReadiness.StoreTimeout, ct) is { } problem
                    ? Results.Json(new HealthProbe("unready", problem), statusCode: StatusCodes.Status503ServiceUnavailable)
                    : Results.Json(new HealthProbe("ready")))
            .Produces<HealthProbe>().Produces<HealthProbe>(StatusCodes.Status503ServiceUnavailable);
        var v1 = app.MapGroup("/v1").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        v1.MapGet("/events", ListEvents).Answers<EventList>(400);
        v1.MapGet("/events/{id}", GetEvent).Answers<EventDetail>(404);
        v1.MapGet("/events/{id}/why", async (string id, string? function, Switchyard.Engine.Insight.WhyExplainer why, CancellationToken ct) =>
        {
            var (result, error) = await why.ExplainAsync(EventId(id), string.IsNullOrEmpty(function) ? null : function, ct);
            return error is not null ? error.ToResult() : Results.Json(result);
        }).Answers<JsonObject>(404);
        v1.MapGet("/events/{id}/trace", async (string id, Switchyard.Engine.Insight.TraceBuilder trace, CancellationToken ct) =>
        {
            var (tree, error) = await trace.BuildAsync(EventId(id), ct);
            return error is not null ? error.ToResult() : Results.Json(tree);
        }).Answers<JsonObject>(404);
        v1.MapGet("/status", async (Switchyard.Engine.Insight.StatusReport status, CancellationToken ct) =>
            Results.Json(await StatusAsync(status, ct))).Answers<StatusView>();
        v1.MapGet("/topology", async (Switchyard.Engine.Insight.TopologyBuilder topology, CancellationToken ct) => Results.Json(await topology.BuildAsync(ct))).Answers<JsonObject>();
        v1.MapGet("/apps", ListApps).Answers<AppList>();
        v1.MapPost("/apps/sync", SyncApp).Answers<SyncResult>(400, 502);
        v1.MapGet("/functions", ListFunctions).Answers<FunctionList>();
        v1.MapPost("/functions/{id}/pause", (string id, IStore store, FunctionRegistry registry, CancellationToken ct) => SetPaused(id, true, store, registry, ct)).Answers<PauseResult>(404);
        v1.MapPost("/functions/{id}/resume", (string id, IStore store, FunctionRegistry registry, CancellationToken ct) => SetPaused(id, false, store, registry, ct)).Answers<PauseResult>(404);
        v1.MapPost("/functions/{id}/replay", Replay).Answers<ReplayResult>(400, 404);
        v1.MapPost("/functions/{id}/invoke", Invoke).Answers<RunAnswer>(400, 404).Produces<RunAnswer>(StatusCodes.Status202Accepted);
        v1.MapGet("/cron", ListCron).Answers<CronList>();
        v1.MapPost("/cron/{id}/trigger", TriggerCron).Answers<CronTriggerResult>(400, 404);
        v1.MapGet("/runs", ListRuns).Answers<RunList>(400);
        v1.MapGet("/runs/{id}", GetRun).Answers<RunDetail>(404);
        v1.MapPost("/runs/{id}/cancel", CancelRun).Answers<RunAnswer>(404, 409);
    }

    private static readonly string Version =
        typeof(RestApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>What <c>/health</c> shows of the store's location to a caller without the API token outside dev mode:
    /// the kind is enough for a probe; the path (or database host) is for operators.</summary>
    public const string HiddenLocation = "(shown with the API token)";

    private static IResult Health(HttpContext http, IStore store, ServerOptions options, TimeProvider time, DateTimeOffset startedAt)
    {
        var trusted = options.Dev || Credential.MatchesAny(Credential.Bearer(http.Request.Headers.Authorization.ToString()), [options.ApiToken]);
        return Results.Json(new ServerHealth("ok", Version, new StoreInfo(store.Kind, trusted ? store.Location : HiddenLocation),
            options.Dev ? "dev" : "production", Math.Round((time.GetUtcNow() - startedAt).TotalSeconds, 1)));
    }

    /// <summary>The answer to a missing or wrong API token.</summary>
    internal static readonly ApiError Unauthorized = new(401, "unauthorized", "missing or wrong API token: send Authorization: Bearer $SWITCHYARD_API_TOKEN");

    /// <summary>Puts routes behind the API token outside dev mode: marks them for <see cref="RequestGate"/>, which checks
    /// the token before the body is read, and adds <see cref="RequireToken"/> as a second check for hosts that map the
    /// routes without the gate.</summary>
    internal static TBuilder RequireApiToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiTokenRequired.Instance).AddEndpointFilter(RequireToken);

    /// <summary>The API-token filter of <c>/v1</c>; runs after model binding, so <see cref="RequestGate"/> checks first.</summary>
    internal static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var options = context.HttpContext.RequestServices.GetService(typeof(ServerOptions)) as ServerOptions;
        if (options is { Dev: false })
        {
            var presented = Credential.Bearer(context.HttpContext.Request.Headers.Authorization.ToString());
            if (!Credential.MatchesAny(presented, [options.ApiToken])) return Unauthorized.ToResult();
        }
        return await next(context);
    }

    /// <summary>A <c>count</c> query parameter: the fallback when absent, a 400 outside 1…<see cref="MaxCount"/>.</summary>
    internal static (int Count, ApiError? Error) CountParam(int? count, int fallback) => count switch
    {
        null => (fallback, null),
        < 1 or > MaxCount => (0, ApiError.BadRequest("invalid_count", $"count must be between 1 and {MaxCount}")),
        _ => (count.Value, null),
    };

    /// <summary>The <c>hours</c> window of list routes as a start instant; NaN and infinities parse as doubles and are
    /// refused here rather than failing in date arithmetic. The window ends at <paramref name="time"/>'s now.</summary>
    internal static (long? Since, ApiError? Error) HoursParam(double? hours, TimeProvider time) => hours switch
    {
        null => (null, null),
        { } h when !double.IsFinite(h) || h <= 0 => (null, ApiError.BadRequest("invalid_hours", "hours must be a positive number")),
        _ => (time.GetUtcNow().AddHours(-Math.Min(hours.Value, 24 * 365 * 10)).ToUnixTimeMilliseconds(), null),
    };

    private static async Task<IResult> ListEvents(string? prefix, double? hours, int? count, IStore store, TimeProvider time, CancellationToken ct)
    {
        var (n, countError) = CountParam(count, 50);
        if (countError is not null) return countError.ToResult();
        var (since, hoursError) = HoursParam(hours, time);
        if (hoursError is not null) return hoursError.ToResult();
        return Results.Json(await EventListAsync(store, prefix, since, n, ct));
    }

    /// <summary>The answer of <c>GET /v1/events</c> (also what the dashboard lists).</summary>
    internal static async Task<EventList> EventListAsync(IStore store, string? prefix, long? since, int count, CancellationToken ct) =>
        new((await store.Reader.ListEventsAsync(string.IsNullOrEmpty(prefix) ? null : prefix, since, count, ct)).Select(ApiViews.Event).ToList());

    /// <summary>Event ids may contain <c>/</c> (e.g. <c>order/123</c>, <c>inngest/function.failed:…</c>); clients send it
    /// as <c>%2F</c>, which routing leaves encoded.</summary>
    private static string EventId(string routeValue) => Uri.UnescapeDataString(routeValue);

    private static async Task<IResult> GetEvent(string id, IStore store, CancellationToken ct)
    {
        id = EventId(id);
        return await EventDetailAsync(store, id, ct) is { } detail ? Results.Json(detail) : ApiError.NotFound($"no event with id '{id}'").ToResult();
    }

    /// <summary>The answer of <c>GET /v1/events/{id}</c>, or null when there is no such event.</summary>
    internal static async Task<EventDetail?> EventDetailAsync(IStore store, string id, CancellationToken ct)
    {
        var e = await store.Reader.GetEventAsync(id, ct);
        if (e is null) return null;
        var runs = await store.Reader.RunsForEventAsync(e.Seq, ct);
        var decisions = await store.Reader.DecisionsForEventAsync(e.Seq, ct);
        return new EventDetail(ApiViews.Event(e), runs.Select(ApiViews.Run).ToList(), decisions.Select(ApiViews.Decision).ToList());
    }

    private static IResult ListApps(FunctionRegistry registry) => Results.Json(AppListOf(registry));

    /// <summary>The answer of <c>GET /v1/apps</c>.</summary>
    internal static AppList AppListOf(FunctionRegistry registry)
    {
        var snapshot = registry.Current;
        return new AppList(snapshot.Apps.Select(a => ApiViews.App(a, snapshot)).ToList());
    }

    private static async Task<IResult> SyncApp(SyncRequest? request, AppSync sync, FunctionRegistry registry, CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Url)) return ApiError.BadRequest("invalid_url", "url is required").ToResult();
        var result = await sync.SyncAsync(request.Url, ct);
        if (!result.Ok) return new ApiError(result.Status is >= 400 and < 600 ? (result.Status == 400 ? 400 : 502) : 502, "sync_failed", result.Message).ToResult();
        var snapshot = registry.Current;
        var app = snapshot.Apps.FirstOrDefault(a => string.Equals(a.Url.TrimEnd('/'), request.Url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
        return Results.Json(new SyncResult(true, result.Message, result.Modified, app is null ? null : ApiViews.App(app, snapshot)));
    }

    private static IResult ListFunctions(FunctionRegistry registry) => Results.Json(FunctionListOf(registry));

    /// <summary>The answer of <c>GET /v1/functions</c>.</summary>
    internal static FunctionList FunctionListOf(FunctionRegistry registry)
    {
        var snapshot = registry.Current;
        return new FunctionList(snapshot.Functions.Select(f => ApiViews.Function(f, snapshot)).ToList());
    }

    private static async Task<IResult> SetPaused(string id, bool paused, IStore store, FunctionRegistry registry, CancellationToken ct) =>
        await SetPausedAsync(id, paused, store, registry, ct) ? Results.Json(new PauseResult(id, paused)) : ApiError.NotFound($"no function with id '{id}'").ToResult();

    /// <summary>Pauses or resumes a function (<c>POST /v1/functions/{id}/pause|resume</c>); false when there is none.</summary>
    internal static async Task<bool> SetPausedAsync(string id, bool paused, IStore store, FunctionRegistry registry, CancellationToken ct)
    {
        var found = await store.WriteAsync(tx => tx.SetPaused(id, paused), ct);
        if (found) await registry.ReloadAsync(ct);
        return found;
    }

    private static async Task<IResult> ListRuns(string? status, string? function, double? hours, int? count, IStore store, TimeProvider time,
        CancellationToken ct)
    {
        var (n, countError) = CountParam(count, 50);
        if (countError is not null) return countError.ToResult();
        var (since, hoursError) = HoursParam(hours, time);
        if (hoursError is not null) return hoursError.ToResult();
        RunStatus? normalized = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (RunStatuses.TryParseFilter(status, out var parsed)) normalized = parsed;
            else return ApiError.BadRequest("invalid_status", $"status must be one of {string.Join(", ", RunStatuses.All)}").ToResult();
        }
        return Results.Json(await RunListAsync(store, normalized, function, since, n, ct));
    }

    /// <summary>The answer of <c>GET /v1/runs</c> (also what the dashboard lists).</summary>
    internal static async Task<RunList> RunListAsync(IStore store, RunStatus? status, string? function, long? since, int count, CancellationToken ct) =>
        new((await store.Reader.ListRunsAsync(status, string.IsNullOrEmpty(function) ? null : function, since, count, ct)).Select(ApiViews.Run).ToList());

    private static async Task<IResult> GetRun(string id, IStore store, CancellationToken ct) =>
        await RunDetailAsync(store, id, ct) is { } detail ? Results.Json(detail) : ApiError.NotFound($"no run with id '{id}'").ToResult();

    /// <summary>The answer of <c>GET /v1/runs/{id}</c>, or null when there is no such run.</summary>
    internal static async Task<RunDetail?> RunDetailAsync(IStore store, string id, CancellationToken ct)
    {
        var run = await store.Reader.GetRunAsync(id, ct);
        if (run is null) return null;
        var steps = await store.Reader.GetStepsAsync(id, ct);
        var history = await store.Reader.GetHistoryAsync(id, ct);
        return new RunDetail(ApiViews.Run(run), steps.Select(ApiViews.Step).ToList(), history.Select(ApiViews.History).ToList());
    }

    private static async Task<IResult> CancelRun(string id, RunCanceller canceller, CancellationToken ct)
    {
        var (run, error) = await canceller.CancelAsync(id, "cancelled by operator", ct);
        return error is not null ? error.ToResult() : Results.Json(new RunAnswer(ApiViews.Run(run!)));
    }

    /// <summary>Starts a run of one function with data; with <c>wait</c> (the default) answers with its result once it
    /// ends (200), or 202 with the run still going when the timeout (default 30 s, at most 5 min) passes first.</summary>
    private static async Task<IResult> Invoke(string id, InvokeRequest? request, RunInvoker invoker, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(30);
        if (request?.Timeout is { } t && !Protocol.TimeString.TryParseDuration(t, out timeout))
            return ApiError.BadRequest("invalid_timeout", "timeout must be a duration like 30s or 2m").ToResult();
        if (timeout > TimeSpan.FromMinutes(5)) timeout = TimeSpan.FromMinutes(5);
        var (run, error) = await invoker.InvokeAsync(id, request?.Data ?? [], request?.Wait == false ? null : timeout, ct);
        if (error is not null) return error.ToResult();
        return Results.Json(new RunAnswer(ApiViews.Run(run!)), statusCode: RunStatuses.IsTerminal(run!.Status) ? 200 : 202);
    }

    private static async Task<IResult> Replay(string id, ReplayRequest? request, RunReplayer replayer, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!TryTime(request?.From, now, out var from)) return ApiError.BadRequest("invalid_from", "from must be an ISO-8601 time or a duration ago like 2h").ToResult();
        if (!TryTime(request?.To ?? "0s", now, out var to)) return ApiError.BadRequest("invalid_to", "to must be an ISO-8601 time or a duration ago like 30m").ToResult();
        RunStatus? status = null;
        if (!string.IsNullOrEmpty(request?.Status))
        {
            if (RunStatuses.TryParseFilter(request.Status, out var parsed)) status = parsed;
            else return ApiError.BadRequest("invalid_status", $"status must be one of {string.Join(", ", RunStatuses.All)}").ToResult();
        }
        var (runs, error) = await replayer.ReplayAsync(id, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), status, ct);
        return error is not null ? error.ToResult() : Results.Json(new ReplayResult(id, runs!, runs!.Count));
    }

    /// <summary>An ISO-8601 instant, or a duration meaning that long ago.</summary>
    private static bool TryTime(string? text, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (Protocol.TimeString.TryParseDuration(text, out var ago)) { at = now - ago; return true; }
        if (text == "0s" || text == "now") { at = now; return true; }
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out at);
    }

    /// <summary>The answer of <c>GET /v1/status</c> (also the dashboard's apps page).</summary>
    internal static async Task<StatusView> StatusAsync(Switchyard.Engine.Insight.StatusReport status, CancellationToken ct) =>
        (await status.BuildAsync(ct)).Deserialize<StatusView>(SwitchyardJson.Options)!;

    private static async Task<IResult> ListCron(FunctionRegistry registry, IStore store, TimeProvider time, CancellationToken ct) =>
        Results.Json(await CronListAsync(registry, store, time, ct));

    /// <summary>The answer of <c>GET /v1/cron</c> (also what the dashboard's schedules page shows); next fire times
    /// count from <paramref name="time"/>'s now.</summary>
    internal static async Task<CronList> CronListAsync(FunctionRegistry registry, IStore store, TimeProvider time, CancellationToken ct)
    {
        var lastFires = (await store.Reader.KvListAsync(Switchyard.Engine.Scheduling.CronTicker.Namespace, ct)).ToDictionary(e => e.Key, e => long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var rows = new List<CronScheduleView>();
        var snapshot = registry.Current;
        foreach (var fn in snapshot.Functions.Select(f => snapshot.Function(f.Id)!).Distinct())
        {
            foreach (var trigger in fn.Config.Triggers.Where(t => !string.IsNullOrWhiteSpace(t.Cron)))
            {
                var schedule = Switchyard.Engine.Expressions.CronSchedule.TryParse(trigger.Cron!, out _);
                long? last = lastFires.TryGetValue(Switchyard.Engine.Scheduling.CronTicker.Key(fn.Id, trigger.Cron!), out var l) ? l : null;
                var runs = await store.Reader.ListRunsAsync(null, fn.Id, null, 20, ct);
                var lastRun = runs.FirstOrDefault(r => r.EventId.StartsWith("cron:", StringComparison.Ordinal));
                rows.Add(new CronScheduleView(fn.Id, trigger.Cron!, schedule?.Zone.Id, fn.Paused, last, schedule?.Next(time.GetUtcNow())?.ToUnixTimeMilliseconds(),
                    lastRun is null ? null : new CronLastRun(lastRun.Id, lastRun.Status.ToWire(), lastRun.CreatedAt)));
            }
        }
        return new CronList(rows);
    }

    private static async Task<IResult> TriggerCron(string id, FunctionRegistry registry, Switchyard.Engine.Scheduling.CronTicker ticker, TimeProvider time,
        CancellationToken ct)
    {
        if (registry.Current.Function(id) is not { } fn) return ApiError.NotFound($"no function with id '{id}'").ToResult();
        var cron = fn.Config.Triggers.FirstOrDefault(t => !string.IsNullOrWhiteSpace(t.Cron))?.Cron;
        if (cron is null) return ApiError.BadRequest("no_cron", $"function '{id}' has no cron trigger").ToResult();
        var runId = await ticker.FireAsync(fn, cron, time.GetUtcNow(), manual: true, ct);
        return Results.Json(new CronTriggerResult(id, cron, runId));
    }
}
