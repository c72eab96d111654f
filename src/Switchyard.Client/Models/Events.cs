using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>A stored event.</summary>
/// <param name="Id">Event id (the sender's, or one the server made).</param>
/// <param name="Seq">Store order.</param>
/// <param name="Name">Event name, e.g. <c>app/user.created</c>.</param>
/// <param name="Ts">Event time, Unix ms.</param>
/// <param name="ReceivedAt">When the server stored it, Unix ms.</param>
/// <param name="Source">How it came in: <c>api</c>, <c>cron</c>, <c>webhook</c>, a step…</param>
/// <param name="Data">The event's data object.</param>
/// <param name="User">The event's user object, if any.</param>
/// <remarks>Names are fixed by attribute, not by the serializer's naming policy: the server also embeds this record
/// in free-form answers (why, trace) serialized with default options.</remarks>
public sealed record EventView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("receivedAt")] long ReceivedAt,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("data")] JsonNode? Data,
    [property: JsonPropertyName("user")] JsonNode? User);

/// <summary><c>GET /v1/events</c>: recent events, newest first.</summary>
/// <param name="Events">The events.</param>
public sealed record EventList(IReadOnlyList<EventView> Events);

/// <summary><c>GET /v1/events/{id}</c>: one event, the runs it started and the decision for every candidate function.</summary>
/// <param name="Event">The event.</param>
/// <param name="Runs">Runs it started.</param>
/// <param name="Decisions">Why each candidate function ran or did not.</param>
public sealed record EventDetail(EventView Event, IReadOnlyList<RunView> Runs, IReadOnlyList<DecisionView> Decisions);

/// <summary>The outcome of matching one event against one function.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Outcome"><c>matched</c>, <c>expression_false</c>, <c>paused</c>, <c>skipped_idempotency</c>…</param>
/// <param name="Reason">Human explanation.</param>
/// <param name="RunId">The run started, when one was.</param>
/// <param name="At">When it was decided, Unix ms.</param>
public sealed record DecisionView(string FunctionId, string Outcome, string Reason, string? RunId, long At);

/// <summary><c>POST /e/{eventKey}</c>: the ids of the events, committed before the answer.</summary>
/// <param name="Ids">One id per event, in request order.</param>
/// <param name="Status">Always 200 (the Inngest Event API shape).</param>
public sealed record SendEventsResult(IReadOnlyList<string> Ids, int Status);
