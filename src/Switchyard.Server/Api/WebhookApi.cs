using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Client.Models;
using Switchyard.Protocol;
using Switchyard.Configuration;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Server.Webhooks;
using Switchyard.Engine.Insight;

namespace Switchyard.Server.Api;

/// <summary>Webhook ingress, <c>POST /webhooks/{provider}</c>: verified deliveries become <c>provider/event</c>
/// events; and the subscription API under <c>/v1/webhooks/</c> (providers, subscriptions, history, a live
/// server-sent-event stream).</summary>
public static class WebhookApi
{
    /// <summary>Deliveries replayed at the start of a stream unless asked otherwise.</summary>
    public const int DefaultReplay = 20;

    private const int MaxFilters = 20;
    private static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(24);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the ingress endpoint and <c>/v1/webhooks/*</c>.</summary>
    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/{provider}", ReceiveAsync).Accepts<JsonNode>("application/json").Answers<WebhookReceipt>(400, 404, 413, 429, 500);
        var v1 = app.MapGroup("/v1/webhooks").RequireApiToken();
        v1.MapGet("/providers", ListProviders).Answers<WebhookProviderList>();
        v1.MapGet("/subscriptions", ListSubscriptionsAsync).Answers<WebhookSubscriptionList>();
        v1.MapPost("/subscriptions", SubscribeAsync).Answers<WebhookSubscriptionAnswer>(400);
        v1.MapGet("/subscriptions/{id}", GetSubscriptionAsync).Answers<WebhookSubscriptionAnswer>(404);
        v1.MapDelete("/subscriptions/{id}", UnsubscribeAsync).Answers<WebhookUnsubscribeResult>(404);
        v1.MapPost("/subscriptions/{id}/unsubscribe", UnsubscribeAsync).Answers<WebhookUnsubscribeResult>(404);
        v1.MapGet("/subscriptions/{id}/history", HistoryAsync).Answers<WebhookHistory>(400, 404);
        // Server-sent events: `delivery` (an EventView plus `replayed`), `ready`, `ping`, `end`.
        v1.MapGet("/subscriptions/{id}/stream", StreamAsync).Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .Produces<ApiErrorBody>(StatusCodes.Status400BadRequest).Produces<ApiErrorBody>(StatusCodes.Status401Unauthorized).Produces<ApiErrorBody>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ReceiveAsync(string provider, HttpContext http, WebhookProviders providers, WebhookOptions options,
        WebhookFailureLimiter limiter, WebhookTelemetry telemetry, EventIngest ingest, WebhookDeliveryFeed feed, IStore store,
        TimeProvider time, ILogger<WebhookProviders> logger, CancellationToken ct)
    {
        var p = providers.Find(provider);
        if (p is null)
            return new ApiError(404, "unknown_provider", $"no webhook provider '{provider}'; known: {string.Join(", ", providers.All.Select(x => x.Name))}").ToResult();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.Blocked(p.Name, address) is { } retryAfter)
        {
            telemetry.RateLimited(p.Name, address);
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return new ApiError(429, "too_many_failures",
                $"more than {options.FailureLimit} failed verifications for {p.Name} from {address} within {options.FailureWindow.TotalSeconds:0} s; retry in {seconds} s").ToResult();
        }
        var (body, tooLarge) = await EventApi.ReadBodyAsync(http.Request, options.MaxBodyBytes, ct);
        if (tooLarge)
        {
            telemetry.Delivery(p.Name, "too_large");
            return new ApiError(413, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (webhooks.max_body_bytes)").ToResult();
        }

        var request = new WebhookRequest(p.Name, body, http.Request.Headers, time.GetUtcNow());
        var notConfigured = p.Problem;
        WebhookVerification verification;
        try
        {
            verification = notConfigured is null ? p.Verify(request) : WebhookVerification.Fail(notConfigured);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "webhook provider {Provider} failed to verify a delivery", p.Name);
            return new ApiError(500, "provider_error", $"webhook provider '{p.Name}' failed to verify the delivery: {ex.Message}").ToResult();
        }
        if (!verification.Valid)
        {
            var problem = verification.Problem ?? "signature does not match";
            limiter.Failed(p.Name, address);
            telemetry.SignatureFailed(p.Name, address, problem);
            return new ApiError(401, notConfigured is null ? "invalid_signature" : "provider_not_configured", problem).ToResult();
        }

        if (Engine.Parsing.JsonLimits.Problem(body) is { } jsonProblem)
        {
            telemetry.Delivery(p.Name, "invalid");
            return ApiError.BadRequest("invalid_json", jsonProblem).ToResult();
        }
        var payload = Engine.Parsing.JsonLimits.ParseChecked(body);
        if (payload is null)
        {
            telemetry.Delivery(p.Name, "invalid");
            return ApiError.BadRequest("invalid_json", "body is JSON null: send an object").ToResult();
        }

        IReadOnlyList<WebhookEvent> events;
        try
        {
            if (p.Challenge(request, payload) is { } challenge)
            {
                telemetry.Delivery(p.Name, "challenge");
                return Results.Content(challenge.Body, challenge.ContentType);
            }
            events = p.Normalize(request, payload);
        }
        catch (WebhookPayloadException ex)
        {
            telemetry.Delivery(p.Name, "invalid");
            return ApiError.BadRequest("invalid_payload", ex.Message).ToResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "webhook provider {Provider} failed to normalize a delivery", p.Name);
            return new ApiError(500, "provider_error", $"webhook provider '{p.Name}' failed to read the delivery: {ex.Message}").ToResult();
        }

        var (incoming, error) = ToIncoming(p.Name, events);
        if (error is not null)
        {
            telemetry.Delivery(p.Name, "invalid");
            return error.ToResult();
        }
        if (incoming.Count == 0)
        {
            telemetry.Delivery(p.Name, "ignored");
            return Results.Json(new WebhookReceipt(p.Name, 0, [], [], "no matching events", 200));
        }
        var ids = await ingest.IngestAsync(incoming, WebhookSubscription.Source, ct);
        telemetry.Delivery(p.Name, "accepted");
        if (feed.HasListeners)
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
                if (await store.Reader.GetEventAsync(id, ct) is { } stored) feed.Publish(stored);
        return Results.Json(new WebhookReceipt(p.Name, ids.Count, ids, incoming.Select(e => e.Name).ToList(), null, 200));
    }

    /// <summary>Prefixes names and checks the limits every event has; gives each event its own data object.</summary>
    private static (List<IncomingEvent> Events, ApiError? Error) ToIncoming(string provider, IReadOnlyList<WebhookEvent> events)
    {
        var list = new List<IncomingEvent>(events.Count);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var e in events)
        {
            if (string.IsNullOrWhiteSpace(e.Name)) return ([], ApiError.BadRequest("invalid_payload", "the delivery names no event"));
            var name = $"{provider}/{e.Name}";
            if (name.Length > ServerOptions.MaxEventNameLength)
                return ([], ApiError.BadRequest("invalid_payload", $"event name '{name[..40]}…' is {name.Length} characters; the limit is {ServerOptions.MaxEventNameLength}"));
            if (e.Id is { Length: > ServerOptions.MaxEventNameLength })
                return ([], ApiError.BadRequest("invalid_payload", $"delivery id is {e.Id.Length} characters; the limit is {ServerOptions.MaxEventNameLength}"));
            // A data object can belong to one event only: reused or attached ones are copied.
            var data = e.Data.Parent is null && seen.Add(e.Data) ? e.Data : (JsonObject)e.Data.DeepClone();
            list.Add(new IncomingEvent(name, data, string.IsNullOrEmpty(e.Id) ? null : e.Id, null, null, null));
        }
        return (list, null);
    }

    private static IResult ListProviders(HttpContext http, WebhookProviders providers) => Results.Json(ProviderListOf(http, providers));

    /// <summary>The answer of <c>GET /v1/webhooks/providers</c> (also the dashboard's webhooks page); URLs are on the
    /// host the caller reached.</summary>
    internal static WebhookProviderList ProviderListOf(HttpContext http, WebhookProviders providers)
    {
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        return new WebhookProviderList(providers.All.Select(p => new WebhookProviderView(
            p.Name, WebhookProviders.KindOf(p), p.SecretConfigured, p.Problem is null, p.Problem, p.SecretSetting, $"/webhooks/{p.Name}", $"{baseUrl}/webhooks/{p.Name}")).ToList());
    }

    private static WebhookSubscriptionView View(WebhookSubscription s) => new(
        s.Id, s.Provider, s.Event, $"{s.Provider}/{s.Event}", s.Filters, s.CreatedAt, s.ExpiresAt, $"/v1/webhooks/subscriptions/{s.Id}/stream");

    private static async Task<IResult> ListSubscriptionsAsync(WebhookSubscriptions subscriptions, CancellationToken ct) =>
        Results.Json(new WebhookSubscriptionList((await subscriptions.ListAsync(ct)).Select(View).ToList()));

    private static async Task<IResult> SubscribeAsync(WebhookSubscribeRequest? request, WebhookProviders providers, WebhookSubscriptions subscriptions, CancellationToken ct)
    {
        if (request is null) return ApiError.BadRequest("invalid_body", "send {provider, event, filters?, ttl?}").ToResult();
        if (string.IsNullOrWhiteSpace(request.Provider)) return ApiError.BadRequest("missing_provider", "provider is required").ToResult();
        var provider = providers.Find(request.Provider.Trim());
        if (provider is null)
            return ApiError.BadRequest("invalid_provider", $"provider '{request.Provider}' is not known; known: {string.Join(", ", providers.All.Select(p => p.Name))}").ToResult();
        var eventName = request.Event?.Trim() ?? "";
        if (eventName.Length == 0) return ApiError.BadRequest("missing_event", "event is required, e.g. workflow_run.completed (or * for every event)").ToResult();
        if (eventName.StartsWith(provider.Name + "/", StringComparison.Ordinal)) eventName = eventName[(provider.Name.Length + 1)..];
        if (eventName.Length > 200 || eventName.Any(char.IsWhiteSpace) || eventName.TrimEnd('*').Contains('*', StringComparison.Ordinal))
            return ApiError.BadRequest("invalid_event", "event must be a name without spaces of at most 200 characters; '*' is allowed only at the end").ToResult();
        var filters = request.Filters ?? new Dictionary<string, string>();
        if (filters.Count > MaxFilters) return ApiError.BadRequest("invalid_filters", $"at most {MaxFilters} filters").ToResult();
        foreach (var (key, value) in filters)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > 200) return ApiError.BadRequest("invalid_filters", "a filter key must be a payload path of 1-200 characters, e.g. repository.full_name").ToResult();
            if (value is null || value.Length > 1000) return ApiError.BadRequest("invalid_filters", $"filter '{key}' needs a value of at most 1000 characters").ToResult();
        }
        var ttl = DefaultTtl;
        if (!string.IsNullOrWhiteSpace(request.Ttl) && !TimeString.TryParseDuration(request.Ttl, out ttl) &&
            !(request.Ttl.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(request.Ttl, CultureInfo.InvariantCulture, out ttl)))
            return ApiError.BadRequest("invalid_ttl", $"ttl '{request.Ttl}' is not a duration such as 30m, 24h or 7d").ToResult();
        if (ttl <= TimeSpan.Zero || ttl > WebhookSubscriptions.MaxTtl)
            return ApiError.BadRequest("invalid_ttl", $"ttl must be positive and at most {WebhookSubscriptions.MaxTtl.TotalDays:0} days").ToResult();
        var subscription = await subscriptions.CreateAsync(provider.Name, eventName, filters.ToDictionary(f => f.Key.Trim(), f => f.Value, StringComparer.Ordinal), ttl, ct);
        return Results.Json(new WebhookSubscriptionAnswer(View(subscription)));
    }

    private static async Task<IResult> GetSubscriptionAsync(string id, WebhookSubscriptions subscriptions, CancellationToken ct) =>
        await subscriptions.GetAsync(id, ct) is { } s
            ? Results.Json(new WebhookSubscriptionAnswer(View(s)))
            : ApiError.NotFound($"no live webhook subscription '{id}' (it may have expired)").ToResult();

    private static async Task<IResult> UnsubscribeAsync(string id, WebhookSubscriptions subscriptions, CancellationToken ct) =>
        await subscriptions.DeleteAsync(id, ct)
            ? Results.Json(new WebhookUnsubscribeResult(id, true))
            : ApiError.NotFound($"no webhook subscription '{id}'").ToResult();

    private static async Task<IResult> HistoryAsync(string id, int? count, WebhookSubscriptions subscriptions, IStore store, CancellationToken ct)
    {
        if (count is < 1 or > WebhookSubscriptions.MaxHistory)
            return ApiError.BadRequest("invalid_count", $"count must be between 1 and {WebhookSubscriptions.MaxHistory}").ToResult();
        var subscription = await subscriptions.GetAsync(id, ct);
        if (subscription is null) return ApiError.NotFound($"no live webhook subscription '{id}' (it may have expired)").ToResult();
        var deliveries = await subscriptions.HistoryAsync(subscription, count ?? 50, long.MaxValue, ct);
        return Results.Json(new WebhookHistory(View(subscription), deliveries.Reverse().Select(ApiViews.Event).ToList()));
    }

    private static async Task<IResult> StreamAsync(string id, int? replay, WebhookSubscriptions subscriptions, WebhookDeliveryFeed feed, IStore store,
        IHostApplicationLifetime lifetime, TimeProvider time, CancellationToken ct)
    {
        if (replay is < 0 or > WebhookSubscriptions.MaxHistory)
            return ApiError.BadRequest("invalid_replay", $"replay must be between 0 and {WebhookSubscriptions.MaxHistory}").ToResult();
        var subscription = await subscriptions.GetAsync(id, ct);
        if (subscription is null) return ApiError.NotFound($"no live webhook subscription '{id}' (it may have expired)").ToResult();
        return TypedResults.ServerSentEvents(Stream(subscription, replay ?? DefaultReplay, subscriptions, feed, store, time, ct, lifetime.ApplicationStopping));
    }

    /// <summary>Replays the newest deliveries, sends <c>ready</c>, then each new delivery as it is stored, a
    /// <c>ping</c> when idle, and <c>end</c> when the subscription expires or is deleted.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Stream(WebhookSubscription subscription, int replay, WebhookSubscriptions subscriptions,
        WebhookDeliveryFeed feed, IStore store, TimeProvider time, CancellationToken requestAborted, [EnumeratorCancellation] CancellationToken stopping = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        var ct = linked.Token;
        // Listen before reading the last sequence number, so a delivery stored in between is not missed.
        var reader = feed.Listen();
        try
        {
            var last = await store.Reader.LastEventSeqAsync(ct);
            foreach (var e in await subscriptions.HistoryAsync(subscription, replay, last, ct)) yield return Delivery(e, replayed: true);
            yield return new SseItem<string>(JsonSerializer.Serialize(View(subscription), Json), "ready");
            var sent = new HashSet<long>();
            while (true)
            {
                var untilExpiry = TimeSpan.FromMilliseconds(subscription.ExpiresAt - time.GetUtcNow().ToUnixTimeMilliseconds());
                var wake = untilExpiry <= TimeSpan.Zero ? Wake.Timeout : await WaitAsync(reader, untilExpiry < Heartbeat ? untilExpiry : Heartbeat, time, ct);
                if (wake == Wake.Stop) yield break;
                // Concurrent deliveries may be published out of order, so "sent" is by sequence number, not a high-water mark.
                while (reader.TryRead(out var e))
                    if (e.Seq > last && subscription.Matches(e) && sent.Add(e.Seq)) yield return Delivery(e, replayed: false);
                if (sent.Count > 10_000) sent.Clear();
                if (time.GetUtcNow().ToUnixTimeMilliseconds() >= subscription.ExpiresAt)
                {
                    yield return End(subscription, "expired");
                    yield break;
                }
                if (wake != Wake.Timeout) continue;
                if (await subscriptions.GetAsync(subscription.Id, ct) is null)
                {
                    // Gone at (or a hair before, by this process's clock) its expiry time: that is expiry, not deletion.
                    var expired = time.GetUtcNow().ToUnixTimeMilliseconds() + 1000 >= subscription.ExpiresAt;
                    yield return End(subscription, expired ? "expired" : "deleted");
                    yield break;
                }
                yield return new SseItem<string>("{}", "ping");
            }
        }
        finally
        {
            feed.Unlisten(reader);
        }
    }

    private static SseItem<string> Delivery(StoredEvent e, bool replayed)
    {
        var view = JsonSerializer.SerializeToNode(ApiViews.Event(e), Json)!.AsObject();
        view["replayed"] = replayed;
        return new SseItem<string>(view.ToJsonString(), "delivery") { EventId = e.Seq.ToString(CultureInfo.InvariantCulture) };
    }

    private static SseItem<string> End(WebhookSubscription s, string reason) =>
        new(JsonSerializer.Serialize(new { id = s.Id, reason }, Json), "end");

    private enum Wake { Data, Timeout, Stop }

    private static async Task<Wake> WaitAsync(ChannelReader<StoredEvent> reader, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        // The timeout runs on the server's clock, so expiry and heartbeats follow a test's fake clock.
        using var after = new CancellationTokenSource(timeout, time);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct, after.Token);
        try
        {
            return await reader.WaitToReadAsync(timer.Token) ? Wake.Data : Wake.Stop;
        }
        catch (OperationCanceledException)
        {
            return ct.IsCancellationRequested ? Wake.Stop : Wake.Timeout;
        }
    }
}
