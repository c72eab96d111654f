using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Switchyard.Client.Models;

namespace Switchyard.Client;

/// <summary>The webhook subscription API under <c>/v1/webhooks</c>.</summary>
public sealed partial class SwitchyardClient
{
    /// <summary><c>GET /v1/webhooks/providers</c>.</summary>
    public Task<WebhookProviderList> ListWebhookProvidersAsync(CancellationToken cancellationToken = default) =>
        GetAsync<WebhookProviderList>("v1/webhooks/providers", cancellationToken);

    /// <summary><c>GET /v1/webhooks/subscriptions</c>.</summary>
    public Task<WebhookSubscriptionList> ListWebhookSubscriptionsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<WebhookSubscriptionList>("v1/webhooks/subscriptions", cancellationToken);

    /// <summary><c>POST /v1/webhooks/subscriptions</c>.</summary>
    public Task<WebhookSubscriptionAnswer> SubscribeWebhookAsync(WebhookSubscribeRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<WebhookSubscriptionAnswer>("v1/webhooks/subscriptions", request, cancellationToken);

    /// <summary><c>GET /v1/webhooks/subscriptions/{id}</c>.</summary>
    public Task<WebhookSubscriptionAnswer> GetWebhookSubscriptionAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync<WebhookSubscriptionAnswer>("v1/webhooks/subscriptions/" + Segment(id), cancellationToken);

    /// <summary><c>POST /v1/webhooks/subscriptions/{id}/unsubscribe</c>.</summary>
    public Task<WebhookUnsubscribeResult> UnsubscribeWebhookAsync(string id, CancellationToken cancellationToken = default) =>
        PostAsync<WebhookUnsubscribeResult>($"v1/webhooks/subscriptions/{Segment(id)}/unsubscribe", null, cancellationToken);

    /// <summary><c>GET /v1/webhooks/subscriptions/{id}/history</c>: the last <paramref name="count"/> matching deliveries.</summary>
    public Task<WebhookHistory> WebhookHistoryAsync(string id, int? count = null, CancellationToken cancellationToken = default) =>
        GetAsync<WebhookHistory>($"v1/webhooks/subscriptions/{Segment(id)}/history" + Query(("count", Number(count))), cancellationToken);

    /// <summary><c>GET /v1/webhooks/subscriptions/{id}/stream</c>: the server-sent events of a subscription
    /// (<c>delivery</c>, <c>ready</c>, <c>ping</c>, <c>end</c>) until the server ends the stream or
    /// <paramref name="cancellationToken"/> fires. The client's timeout applies to the answer's headers only.</summary>
    public async IAsyncEnumerable<SseItem<string>> StreamWebhookDeliveriesAsync(string id, int? replay = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = $"v1/webhooks/subscriptions/{Segment(id)}/stream" + Query(("replay", replay?.ToString(CultureInfo.InvariantCulture)));
        using var response = await SendRawAsync(HttpMethod.Get, path, null, Credential.Api, cancellationToken, completion: HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw Error((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken)) yield return item;
    }
}
