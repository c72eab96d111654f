using System.Text.Json;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Server.Webhooks;

/// <summary>Subscriptions in the store's key-value state (namespace <see cref="Namespace"/>, expiring with their
/// TTL), and their deliveries: a subscription's history is a query over stored webhook events, so nothing is copied.</summary>
public sealed class WebhookSubscriptions(IStore store, TimeProvider time)
{
    /// <summary>Key-value namespace of subscriptions.</summary>
    public const string Namespace = "webhook.subscriptions";
    /// <summary>Most deliveries a history returns.</summary>
    public const int MaxHistory = 200;
    /// <summary>Longest TTL.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(30);

    // Stored events scanned per history query: filters may reject many of them.
    private const int ScanLimit = 2000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores a new subscription that expires after <paramref name="ttl"/>; expired ones are pruned on the way.</summary>
    public Task<WebhookSubscription> CreateAsync(string provider, string eventName, IReadOnlyDictionary<string, string> filters, TimeSpan ttl, CancellationToken cancellationToken) =>
        store.WriteAsync(tx =>
        {
            tx.KvPrune();
            var subscription = new WebhookSubscription(Ulid.NewUlid().ToString(), provider, eventName,
                new Dictionary<string, string>(filters, StringComparer.Ordinal), tx.Now, tx.Now + (long)ttl.TotalMilliseconds);
            tx.KvPut(Namespace, subscription.Id, JsonSerializer.Serialize(subscription, Json), subscription.ExpiresAt);
            return subscription;
        }, cancellationToken);

    /// <summary>Live subscriptions, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = await store.Reader.KvListAsync(Namespace, cancellationToken);
        var list = new List<WebhookSubscription>(entries.Count);
        foreach (var (_, value, _) in entries)
        {
            try
            {
                if (JsonSerializer.Deserialize<WebhookSubscription>(value, Json) is { } subscription) list.Add(subscription);
            }
            catch (JsonException)
            {
                // A value this version cannot read is skipped rather than failing every listing.
            }
        }
        return [.. list.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>A live subscription, or null when absent or expired.</summary>
    public async Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id && s.ExpiresAt > time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Removes a subscription; false when it was absent.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        store.WriteAsync(tx => tx.KvDelete(Namespace, id), cancellationToken);

    /// <summary>The newest <paramref name="count"/> (at most <see cref="MaxHistory"/>) matching deliveries with a
    /// sequence number at most <paramref name="maxSeq"/>, oldest first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> HistoryAsync(WebhookSubscription subscription, int count, long maxSeq, CancellationToken cancellationToken)
    {
        count = Math.Clamp(count, 0, MaxHistory);
        if (count == 0) return [];
        var candidates = await store.Reader.ListEventsAsync(subscription.NamePrefix, subscription.CreatedAt, ScanLimit, cancellationToken);
        var matching = candidates.Where(e => e.Seq <= maxSeq && subscription.Matches(e)).Take(count).ToList();
        matching.Reverse();
        return matching;
    }
}
