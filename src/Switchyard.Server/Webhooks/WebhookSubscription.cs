using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Switchyard.Engine.Model;

namespace Switchyard.Server.Webhooks;

/// <summary>Interest in a provider's deliveries, kept in the store's key-value state until it expires.</summary>
/// <param name="Id">Subscription id (a ULID).</param>
/// <param name="Provider">Provider name, e.g. <c>github</c>.</param>
/// <param name="Event">Event name after the provider prefix, e.g. <c>workflow_run.completed</c>; a trailing
/// <c>*</c> matches any name starting with what precedes it (<c>*</c> alone: every event of the provider).</param>
/// <param name="Filters">Payload path → required value (<c>repository.full_name</c> → <c>acme/api</c>); all must match.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="ExpiresAt">Unix ms; the subscription vanishes then.</param>
public sealed record WebhookSubscription(string Id, string Provider, string Event, IReadOnlyDictionary<string, string> Filters, long CreatedAt, long ExpiresAt)
{
    /// <summary>Source of the events a subscription sees: deliveries, not events sent by other means.</summary>
    public const string Source = "webhook";

    /// <summary>The event-name prefix every matching event starts with.</summary>
    [JsonIgnore]
    public string NamePrefix => $"{Provider}/{Event.TrimEnd('*')}";

    /// <summary>True when the stored event is a delivery of this subscription's kind whose data passes every filter.</summary>
    public bool Matches(StoredEvent stored)
    {
        if (stored.Source != Source || stored.ReceivedAt < CreatedAt) return false;
        var nameMatches = Event.EndsWith('*')
            ? stored.Name.StartsWith(NamePrefix, StringComparison.Ordinal)
            : stored.Name == NamePrefix;
        if (!nameMatches) return false;
        if (Filters.Count == 0) return true;
        JsonNode? data;
        try { data = JsonNode.Parse(stored.Body)?["data"]; }
        catch (System.Text.Json.JsonException) { return false; }
        foreach (var (path, expected) in Filters)
            if (PayloadPath.Text(PayloadPath.Select(data, path)) != expected) return false;
        return true;
    }
}
