using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>A webhook provider.</summary>
/// <param name="Name">Provider name, the <c>{provider}</c> of <c>/webhooks/{provider}</c>.</param>
/// <param name="Kind">Built-in kind or <c>generic</c>.</param>
/// <param name="SecretConfigured">Its secret is set.</param>
/// <param name="Ready">Deliveries can be verified.</param>
/// <param name="Problem">Why not, when not ready.</param>
/// <param name="SecretSetting">The setting that holds the secret.</param>
/// <param name="Path">Ingress path.</param>
/// <param name="Url">Ingress URL to give the service.</param>
public sealed record WebhookProviderView(string Name, string Kind, bool SecretConfigured, bool Ready, string? Problem, string? SecretSetting, string Path, string Url);

/// <summary><c>GET /v1/webhooks/providers</c>.</summary>
/// <param name="Providers">Every provider.</param>
public sealed record WebhookProviderList(IReadOnlyList<WebhookProviderView> Providers);

/// <summary>A subscription to webhook deliveries.</summary>
/// <param name="Id">Subscription id.</param>
/// <param name="Provider">Provider.</param>
/// <param name="Event">Event name within the provider (<c>*</c> suffix = prefix).</param>
/// <param name="EventName">Full event name.</param>
/// <param name="Filters">Payload path = value filters.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="ExpiresAt">Unix ms.</param>
/// <param name="Stream">Path of its server-sent-event stream.</param>
public sealed record WebhookSubscriptionView(string Id, string Provider, string Event, string EventName, IReadOnlyDictionary<string, string> Filters,
    long CreatedAt, long ExpiresAt, string Stream);

/// <summary><c>GET /v1/webhooks/subscriptions</c>.</summary>
/// <param name="Subscriptions">Live subscriptions.</param>
public sealed record WebhookSubscriptionList(IReadOnlyList<WebhookSubscriptionView> Subscriptions);

/// <summary><c>POST /v1/webhooks/subscriptions</c> and <c>GET /v1/webhooks/subscriptions/{id}</c>.</summary>
/// <param name="Subscription">The subscription.</param>
public sealed record WebhookSubscriptionAnswer(WebhookSubscriptionView Subscription);

/// <summary><c>POST /v1/webhooks/subscriptions</c> body.</summary>
/// <param name="Provider">Provider name.</param>
/// <param name="Event">Event name (<c>*</c> suffix = prefix).</param>
/// <param name="Filters">Payload path = value filters.</param>
/// <param name="Ttl">Lifetime, e.g. <c>24h</c> (the default).</param>
public sealed record WebhookSubscribeRequest(string? Provider, string? Event, IReadOnlyDictionary<string, string>? Filters, string? Ttl);

/// <summary><c>DELETE /v1/webhooks/subscriptions/{id}</c> and <c>POST …/unsubscribe</c>.</summary>
/// <param name="Id">Subscription id.</param>
/// <param name="Deleted">Always true (a missing subscription is a 404).</param>
public sealed record WebhookUnsubscribeResult(string Id, bool Deleted);

/// <summary><c>GET /v1/webhooks/subscriptions/{id}/history</c>.</summary>
/// <param name="Subscription">The subscription.</param>
/// <param name="Deliveries">Matching deliveries, oldest first.</param>
public sealed record WebhookHistory(WebhookSubscriptionView Subscription, IReadOnlyList<EventView> Deliveries);

/// <summary><c>POST /webhooks/{provider}</c>: the events a verified delivery became.</summary>
/// <param name="Provider">Provider.</param>
/// <param name="Emitted">Events stored.</param>
/// <param name="Ids">Their ids.</param>
/// <param name="Names">Their names.</param>
/// <param name="Message">Why nothing was emitted, when nothing was.</param>
/// <param name="Status">Always 200.</param>
public sealed record WebhookReceipt(string Provider, int Emitted, IReadOnlyList<string> Ids, IReadOnlyList<string> Names,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message, int Status);
