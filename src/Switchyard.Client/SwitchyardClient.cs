using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Client.Models;

namespace Switchyard.Client;

/// <summary>The one client of the Switchyard server's HTTP APIs: the REST API under <c>/v1</c> (API token), the Event
/// API <c>POST /e/{key}</c> (event key) and telemetry ingest <c>POST /observability/emit</c> (telemetry token). Error
/// answers throw <see cref="SwitchyardApiException"/>; an unreachable server throws <see cref="HttpRequestException"/>
/// and a call that outlives the timeout <see cref="TaskCanceledException"/>, as <see cref="HttpClient"/> does.</summary>
public sealed partial class SwitchyardClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;

    /// <summary>A client with its own <see cref="HttpClient"/> (timeout from <paramref name="options"/>).</summary>
    public SwitchyardClient(SwitchyardClientOptions options)
        : this(new HttpClient { Timeout = options.Timeout }, options, ownsHttp: true)
    {
    }

    /// <summary>A client over <paramref name="http"/> (e.g. from <c>IHttpClientFactory</c>), which it does not dispose.</summary>
    public SwitchyardClient(HttpClient http, SwitchyardClientOptions options) : this(http, options, ownsHttp: false)
    {
    }

    private SwitchyardClient(HttpClient http, SwitchyardClientOptions options, bool ownsHttp)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        Options = options;
        _base = new Uri(options.ServerUrl.AbsoluteUri.TrimEnd('/') + "/");
    }

    /// <summary>The settings this client uses.</summary>
    public SwitchyardClientOptions Options { get; }

    /// <summary>The server URL.</summary>
    public Uri ServerUrl => Options.ServerUrl;

    /// <summary><c>GET /health</c>.</summary>
    public Task<ServerHealth> GetHealthAsync(CancellationToken cancellationToken = default) =>
        SendAsync<ServerHealth>(HttpMethod.Get, "health", null, Credential.None, cancellationToken);

    /// <summary><c>POST /e/{key}</c>: sends one event object or an array of them; answers once they are committed.</summary>
    /// <param name="events">An event (<c>{name, data, id?, ts?, user?}</c>) or an array of events.</param>
    /// <param name="traceparent">W3C trace context the events' spans continue, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<SendEventsResult> SendEventsAsync(JsonNode events, string? traceparent = null, CancellationToken cancellationToken = default) =>
        SendAsync<SendEventsResult>(HttpMethod.Post, "e/" + Uri.EscapeDataString(Options.EventKey), events, Credential.None, cancellationToken, traceparent);

    /// <summary><c>POST /observability/emit</c>: stores telemetry events.</summary>
    public Task<TelemetryEmitResult> EmitTelemetryAsync(IReadOnlyList<TelemetryEmit> events, CancellationToken cancellationToken = default) =>
        SendAsync<TelemetryEmitResult>(HttpMethod.Post, "observability/emit", events, Credential.Telemetry, cancellationToken);

    /// <summary><c>GET /v1/events</c>: recent events, newest first.</summary>
    /// <param name="prefix">Only names starting with this.</param>
    /// <param name="hours">Only the last N hours.</param>
    /// <param name="count">How many (default 50, at most 10 000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<EventList> ListEventsAsync(string? prefix = null, double? hours = null, int? count = null, CancellationToken cancellationToken = default) =>
        GetAsync<EventList>("v1/events" + Query(("prefix", prefix), ("hours", Number(hours)), ("count", Number(count))), cancellationToken);

    /// <summary><c>GET /v1/events/{id}</c>: one event, its runs and the decision for every candidate function.</summary>
    public Task<EventDetail> GetEventAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync<EventDetail>("v1/events/" + Segment(id), cancellationToken);

    /// <summary><c>GET /v1/events/{id}/why</c>: for each function, why it did or did not run (free-form explanation).</summary>
    public Task<JsonObject> WhyAsync(string eventId, string? functionId = null, CancellationToken cancellationToken = default) =>
        GetAsync<JsonObject>($"v1/events/{Segment(eventId)}/why" + Query(("function", functionId)), cancellationToken);

    /// <summary><c>GET /v1/events/{id}/trace</c>: the causal tree from the event (free-form tree).</summary>
    public Task<JsonObject> TraceAsync(string eventId, CancellationToken cancellationToken = default) =>
        GetAsync<JsonObject>($"v1/events/{Segment(eventId)}/trace", cancellationToken);

    /// <summary><c>GET /v1/status</c>.</summary>
    public Task<StatusView> GetStatusAsync(CancellationToken cancellationToken = default) => GetAsync<StatusView>("v1/status", cancellationToken);

    /// <summary><c>GET /v1/topology</c>: the wiring map (free-form graph).</summary>
    public Task<JsonObject> GetTopologyAsync(CancellationToken cancellationToken = default) => GetAsync<JsonObject>("v1/topology", cancellationToken);

    /// <summary><c>GET /v1/apps</c>.</summary>
    public Task<AppList> ListAppsAsync(CancellationToken cancellationToken = default) => GetAsync<AppList>("v1/apps", cancellationToken);

    /// <summary><c>POST /v1/apps/sync</c>: the server PUTs <paramref name="appUrl"/>, and the app registers.</summary>
    public Task<SyncResult> SyncAppAsync(string appUrl, CancellationToken cancellationToken = default) =>
        PostAsync<SyncResult>("v1/apps/sync", new SyncRequest(appUrl), cancellationToken);

    /// <summary><c>GET /v1/functions</c>.</summary>
    public Task<FunctionList> ListFunctionsAsync(CancellationToken cancellationToken = default) => GetAsync<FunctionList>("v1/functions", cancellationToken);

    /// <summary><c>POST /v1/functions/{id}/pause</c>.</summary>
    public Task<PauseResult> PauseFunctionAsync(string functionId, CancellationToken cancellationToken = default) =>
        PostAsync<PauseResult>($"v1/functions/{Segment(functionId)}/pause", null, cancellationToken);

    /// <summary><c>POST /v1/functions/{id}/resume</c>.</summary>
    public Task<PauseResult> ResumeFunctionAsync(string functionId, CancellationToken cancellationToken = default) =>
        PostAsync<PauseResult>($"v1/functions/{Segment(functionId)}/resume", null, cancellationToken);

    /// <summary><c>POST /v1/functions/{id}/replay</c>: new runs for the original events of a window.</summary>
    public Task<ReplayResult> ReplayAsync(string functionId, ReplayRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<ReplayResult>($"v1/functions/{Segment(functionId)}/replay", request, cancellationToken);

    /// <summary><c>POST /v1/functions/{id}/invoke</c>: runs one function with data; the run ended, or still going
    /// (HTTP 202) when it did not end within the timeout or <see cref="InvokeRequest.Wait"/> is false.</summary>
    public Task<RunAnswer> InvokeAsync(string functionId, InvokeRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<RunAnswer>($"v1/functions/{Segment(functionId)}/invoke", request, cancellationToken);

    /// <summary><c>GET /v1/cron</c>.</summary>
    public Task<CronList> ListCronAsync(CancellationToken cancellationToken = default) => GetAsync<CronList>("v1/cron", cancellationToken);

    /// <summary><c>POST /v1/cron/{id}/trigger</c>: fires the function's schedule now.</summary>
    public Task<CronTriggerResult> TriggerCronAsync(string functionId, CancellationToken cancellationToken = default) =>
        PostAsync<CronTriggerResult>($"v1/cron/{Segment(functionId)}/trigger", null, cancellationToken);

    /// <summary><c>GET /v1/runs</c>: runs, newest first.</summary>
    /// <param name="status">Only runs in this status.</param>
    /// <param name="functionId">Only this function's runs.</param>
    /// <param name="hours">Only the last N hours.</param>
    /// <param name="count">How many (default 50, at most 10 000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<RunList> ListRunsAsync(string? status = null, string? functionId = null, double? hours = null, int? count = null, CancellationToken cancellationToken = default) =>
        GetAsync<RunList>("v1/runs" + Query(("status", status), ("function", functionId), ("hours", Number(hours)), ("count", Number(count))), cancellationToken);

    /// <summary><c>GET /v1/runs/{id}</c>: the run, its steps and history.</summary>
    public Task<RunDetail> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        GetAsync<RunDetail>("v1/runs/" + Segment(runId), cancellationToken);

    /// <summary><c>POST /v1/runs/{id}/cancel</c>.</summary>
    public Task<RunAnswer> CancelRunAsync(string runId, CancellationToken cancellationToken = default) =>
        PostAsync<RunAnswer>($"v1/runs/{Segment(runId)}/cancel", null, cancellationToken);

    /// <summary><c>GET /v1/otel/search</c>: full-text search over telemetry, newest first.</summary>
    /// <param name="query">Words (prefixes) to search for.</param>
    /// <param name="filter">Level, source, component, window and count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TelemetrySearchResult> SearchTelemetryAsync(string query, TelemetryFilter? filter = null, CancellationToken cancellationToken = default) =>
        GetAsync<TelemetrySearchResult>("v1/otel/search" + Query([("q", query), .. TelemetryQuery(filter)]), cancellationToken);

    /// <summary><c>GET /v1/otel/list</c>: recent telemetry, or one run's or event's (oldest first).</summary>
    /// <param name="filter">Level, source, component, window and count.</param>
    /// <param name="runId">Only this run's telemetry.</param>
    /// <param name="eventId">Only this event's telemetry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TelemetryListResult> ListTelemetryAsync(TelemetryFilter? filter = null, string? runId = null, string? eventId = null, CancellationToken cancellationToken = default) =>
        GetAsync<TelemetryListResult>("v1/otel/list" + Query([.. TelemetryQuery(filter), ("runId", runId), ("eventId", eventId)]), cancellationToken);

    /// <summary><c>GET /v1/otel/stats</c>: counts per level, source, component and action over the last
    /// <paramref name="hours"/> (default 24).</summary>
    public Task<TelemetryStatsResult> TelemetryStatsAsync(double? hours = null, CancellationToken cancellationToken = default) =>
        GetAsync<TelemetryStatsResult>("v1/otel/stats" + Query(("hours", Number(hours))), cancellationToken);

    private static (string, string?)[] TelemetryQuery(TelemetryFilter? f) =>
        [("level", f?.Level), ("source", f?.Source), ("component", f?.Component), ("hours", Number(f?.Hours)), ("count", Number(f?.Count))];

    /// <summary>Sends a request and reads the answer as <typeparamref name="T"/>.</summary>
    private Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, Credential.Api, ct);

    private Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, Credential.Api, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, Credential credential, CancellationToken ct, string? traceparent = null)
    {
        using var response = await SendRawAsync(method, path, body, credential, ct, traceparent);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode) throw Error((int)response.StatusCode, bytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, SwitchyardJson.Options)
                ?? throw new SwitchyardApiException((int)response.StatusCode, "invalid_response", $"{method} /{path} answered {(int)response.StatusCode} with an empty body");
        }
        catch (JsonException ex)
        {
            throw new SwitchyardApiException((int)response.StatusCode, "invalid_response", $"{method} /{path} answered {(int)response.StatusCode} with an unexpected body: {ex.Message}");
        }
    }

    /// <summary>Sends a request and returns the response as is (the caller disposes it), for answers that are not
    /// one JSON document: a status check, a 404 that means absent, a stream.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, Credential credential, CancellationToken ct,
        string? traceparent = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        var token = credential switch
        {
            Credential.Api => Options.ApiToken,
            Credential.Telemetry => Options.TelemetryToken ?? Options.ApiToken,
            _ => null,
        };
        if (!string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (traceparent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: SwitchyardJson.Options);
        return await _http.SendAsync(request, completion, ct);
    }

    /// <summary>The typed error of an answer: the body's <c>error.code</c> and <c>error.message</c>, else a code from
    /// the status (<c>not_found</c>, <c>http_502</c>) and whatever the body says.</summary>
    internal static SwitchyardApiException Error(int status, byte[] body)
    {
        JsonNode? json = null;
        try
        {
            json = body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, a crash): the status alone names the error.
        }
        var error = (json as JsonObject)?["error"];
        var code = (error as JsonObject)?["code"] is JsonValue c && c.TryGetValue(out string? codeText) ? codeText
            : (json as JsonObject)?["code"] is JsonValue top && top.TryGetValue(out string? topCode) ? topCode
            : status == 404 ? "not_found" : "http_" + status.ToString(CultureInfo.InvariantCulture);
        var message = (error as JsonObject)?["message"] is JsonValue m && m.TryGetValue(out string? messageText) ? messageText
            : error is JsonValue plain && plain.TryGetValue(out string? plainText) ? plainText
            : error?.ToJsonString() ?? $"server answered {status}";
        return new SwitchyardApiException(status, code, message);
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string? Number(double? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>?k=v&amp;…</c> of the pairs with a value, or empty.</summary>
    private static string Query(params (string Key, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private enum Credential { None, Api, Telemetry }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
