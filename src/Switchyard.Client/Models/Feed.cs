using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>What a <see cref="FeedItem"/> reports.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeedItemKind>))]
public enum FeedItemKind
{
    /// <summary>A new event was stored (<see cref="FeedItem.Event"/> is set).</summary>
    [JsonStringEnumMemberName("event")]
    Event,
    /// <summary>A run moved (<see cref="FeedItem.Run"/> and <see cref="FeedItem.Transition"/> are set).</summary>
    [JsonStringEnumMemberName("run")]
    Run,
    /// <summary>The subscriber fell behind and <see cref="FeedItem.Dropped"/> items were discarded before this one;
    /// re-read the lists to catch up.</summary>
    [JsonStringEnumMemberName("gap")]
    Gap,
}

/// <summary>One message of <c>GET /v1/feed</c> (Server-Sent Events, one JSON <c>data</c> line per message, the SSE
/// event type is the <see cref="Kind"/>'s wire name): a new event, a run transition, or a gap.</summary>
/// <param name="Kind">What this reports.</param>
/// <param name="At">When it happened, Unix ms.</param>
/// <param name="Event">The stored event, for <see cref="FeedItemKind.Event"/>.</param>
/// <param name="Run">The run as it is after the transition, for <see cref="FeedItemKind.Run"/>.</param>
/// <param name="Transition">The history kind of the transition, e.g. <c>run.scheduled</c>, <c>step.completed</c>.</param>
/// <param name="StepName">The step the transition concerns, when it concerns one.</param>
/// <param name="Dropped">For <see cref="FeedItemKind.Gap"/>: how many items were discarded.</param>
public sealed record FeedItem(
    [property: JsonPropertyName("kind")] FeedItemKind Kind,
    [property: JsonPropertyName("at")] long At,
    [property: JsonPropertyName("event")] EventView? Event,
    [property: JsonPropertyName("run")] RunView? Run,
    [property: JsonPropertyName("transition")] string? Transition,
    [property: JsonPropertyName("stepName")] string? StepName,
    [property: JsonPropertyName("dropped")] long? Dropped);

/// <summary>Which items a feed subscriber wants (the query of <c>GET /v1/feed</c>); every field left null matches all.</summary>
/// <param name="Kind">Only events, or only runs.</param>
/// <param name="FunctionId">Only runs of this function.</param>
/// <param name="EventId">Only this event and the runs it started.</param>
/// <param name="EventPrefix">Only events whose name starts with this.</param>
public sealed record FeedFilter(FeedItemKind? Kind = null, string? FunctionId = null, string? EventId = null, string? EventPrefix = null)
{
    /// <summary>Whether <paramref name="item"/> passes the filter (gaps always do).</summary>
    public bool Matches(FeedItem item)
    {
        if (item.Kind == FeedItemKind.Gap) return true;
        if (Kind is { } kind && item.Kind != kind) return false;
        if (FunctionId is not null && (item.Run is null || !string.Equals(item.Run.FunctionId, FunctionId, StringComparison.Ordinal))) return false;
        var eventId = item.Event?.Id ?? item.Run?.EventId;
        if (EventId is not null && !string.Equals(eventId, EventId, StringComparison.Ordinal)) return false;
        if (EventPrefix is not null && (item.Event is null || !item.Event.Name.StartsWith(EventPrefix, StringComparison.Ordinal))) return false;
        return true;
    }

    /// <summary>The query string for <c>GET /v1/feed</c> (empty, or starting with <c>?</c>).</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        if (Kind is { } kind) parts.Add("kind=" + (kind == FeedItemKind.Event ? "event" : "run"));
        if (FunctionId is not null) parts.Add("function=" + Uri.EscapeDataString(FunctionId));
        if (EventId is not null) parts.Add("event=" + Uri.EscapeDataString(EventId));
        if (EventPrefix is not null) parts.Add("prefix=" + Uri.EscapeDataString(EventPrefix));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
