using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>A run of a function.</summary>
/// <param name="Id">Run id.</param>
/// <param name="FunctionId">The function.</param>
/// <param name="AppId">The app that runs it.</param>
/// <param name="EventId">The event that started it.</param>
/// <param name="Status"><c>Queued</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c> or <c>Cancelled</c>.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="StartedAt">First call, Unix ms.</param>
/// <param name="EndedAt">End, Unix ms.</param>
/// <param name="DurationMs">From start (or creation) to end, once ended.</param>
/// <param name="Output">The function's result.</param>
/// <param name="Error">The final error.</param>
/// <param name="ParentRunId">The invoking run, for invoked runs.</param>
/// <remarks>Names are fixed by attribute, not by the serializer's naming policy: the server also embeds this record
/// in free-form answers (why, trace) serialized with default options.</remarks>
public sealed record RunView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("functionId")] string FunctionId,
    [property: JsonPropertyName("appId")] string AppId,
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("createdAt")] long CreatedAt,
    [property: JsonPropertyName("startedAt")] long? StartedAt,
    [property: JsonPropertyName("endedAt")] long? EndedAt,
    [property: JsonPropertyName("durationMs")] long? DurationMs,
    [property: JsonPropertyName("output")] JsonNode? Output,
    [property: JsonPropertyName("error")] JsonNode? Error,
    [property: JsonPropertyName("parentRunId")] string? ParentRunId);

/// <summary><c>GET /v1/runs</c>: runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
public sealed record RunList(IReadOnlyList<RunView> Runs);

/// <summary><c>GET /v1/runs/{id}</c>: a run with its memoized steps and history.</summary>
/// <param name="Run">The run.</param>
/// <param name="Steps">Memoized step outputs, in order.</param>
/// <param name="History">Every transition: calls, steps, attempts, sleeps, waits, retries, end.</param>
public sealed record RunDetail(RunView Run, IReadOnlyList<StepView> Steps, IReadOnlyList<HistoryView> History);

/// <summary>One memoized step.</summary>
/// <param name="Hash">Step id hash.</param>
/// <param name="Name">Step name.</param>
/// <param name="Value">Its stored output.</param>
/// <param name="Order">Store order within the run.</param>
public sealed record StepView(string Hash, string? Name, JsonNode? Value, long Order);

/// <summary>One history entry of a run.</summary>
/// <param name="At">Unix ms.</param>
/// <param name="Kind">What happened, e.g. <c>step.completed</c>.</param>
/// <param name="StepHash">The step, when it concerns one.</param>
/// <param name="StepName">The step's name.</param>
/// <param name="Op">The op the app answered.</param>
/// <param name="Attempt">Zero-based attempt.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Detail">Free-form detail (outputs, errors, wait conditions…).</param>
public sealed record HistoryView(long At, string Kind, string? StepHash, string? StepName, string? Op, int Attempt, double? DurationMs, JsonNode? Detail);

/// <summary>An answer holding one run: <c>POST /v1/runs/{id}/cancel</c> and <c>POST /v1/functions/{id}/invoke</c>.</summary>
/// <param name="Run">The run.</param>
public sealed record RunAnswer(RunView Run);

/// <summary><c>POST /v1/functions/{id}/invoke</c> body.</summary>
/// <param name="Data">The data of the <c>inngest/function.invoked</c> event.</param>
/// <param name="Wait">Wait for the run to end (default true).</param>
/// <param name="Timeout">How long to wait, e.g. <c>30s</c> (default 30 s, at most 5 min).</param>
public sealed record InvokeRequest(JsonObject? Data, bool? Wait, string? Timeout);

/// <summary><c>POST /v1/functions/{id}/replay</c> body.</summary>
/// <param name="From">Start of the window: ISO-8601 time or a duration ago (<c>2h</c>).</param>
/// <param name="To">End of the window (default now).</param>
/// <param name="Status">Only the events of runs in this status.</param>
public sealed record ReplayRequest(string? From, string? To, string? Status);

/// <summary><c>POST /v1/functions/{id}/replay</c>: the new runs.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Runs">New run ids.</param>
/// <param name="Count">How many.</param>
public sealed record ReplayResult(string FunctionId, IReadOnlyList<string> Runs, int Count);
