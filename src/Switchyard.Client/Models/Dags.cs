using System.Text.Json.Nodes;

namespace Switchyard.Client.Models;

/// <summary><c>POST /v1/dags</c>: the DAG run started (or, for a request id seen before, the first one).</summary>
/// <param name="RunId">The DAG run (a run of <c>switchyard-dag</c>).</param>
/// <param name="EventId">The request event (<c>yard trace</c> / <c>yard why</c> start here).</param>
/// <param name="Duplicate">True when the request id was seen before.</param>
public sealed record DagSubmitted(string RunId, string EventId, bool Duplicate);

/// <summary>One node of a DAG run.</summary>
/// <param name="Id">Node id.</param>
/// <param name="Handler"><c>noop</c>, <c>shell</c>, <c>http</c>, <c>event</c> or <c>invoke</c>.</param>
/// <param name="DependsOn">Its dependencies.</param>
/// <param name="State"><c>pending</c>, <c>running</c>, <c>retrying</c>, <c>completed</c>, <c>failed</c>, <c>skipped</c> or <c>cancelled</c>.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="StartedAt">First attempt's start, Unix ms.</param>
/// <param name="EndedAt">Last attempt's end, Unix ms.</param>
/// <param name="DurationMs">From start to end.</param>
/// <param name="Output">The output (a shell node's stdout).</param>
/// <param name="Error">Why the last attempt failed.</param>
/// <param name="Detail">The last attempt's full result (a shell node's exit code, truncation, stderr tail, attempt number).</param>
public sealed record DagNodeView(string Id, string Handler, IReadOnlyList<string> DependsOn, string State, int Attempts, long? StartedAt, long? EndedAt,
    double? DurationMs, JsonNode? Output, string? Error, JsonNode? Detail);

/// <summary><c>GET /v1/dags/{id}</c>: a DAG run with its nodes.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">The run's status (<c>Queued</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c>, <c>Cancelled</c>).</param>
/// <param name="Pipeline">The pipeline it ran for, if any.</param>
/// <param name="RequestId">The submission's request id, if any.</param>
/// <param name="EventId">The request event.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="StartedAt">Unix ms.</param>
/// <param name="EndedAt">Unix ms.</param>
/// <param name="DurationMs">From start to end.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
/// <param name="FailedNode">The node whose failure failed the DAG.</param>
/// <param name="Nodes">The nodes, in declaration order.</param>
public sealed record DagRunView(string RunId, string Status, string? Pipeline, string? RequestId, string EventId, long CreatedAt, long? StartedAt,
    long? EndedAt, long? DurationMs, string? Error, string? FailedNode, IReadOnlyList<DagNodeView> Nodes);

/// <summary>A DAG run in a listing.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">Its status.</param>
/// <param name="Pipeline">Its pipeline, if any.</param>
/// <param name="Nodes">How many nodes.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="EndedAt">Unix ms.</param>
/// <param name="DurationMs">From start to end.</param>
/// <param name="Error">Why it failed.</param>
public sealed record DagRunSummary(string RunId, string Status, string? Pipeline, int Nodes, long CreatedAt, long? EndedAt, long? DurationMs, string? Error);

/// <summary><c>GET /v1/dags</c>: DAG runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
public sealed record DagRunList(IReadOnlyList<DagRunSummary> Runs);

/// <summary>A pipeline (a named DAG from configuration).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Schedule">Its cron schedule, if any.</param>
/// <param name="Concurrency"><c>allow</c>, <c>forbid</c> or <c>replace</c>.</param>
/// <param name="Notify">Gateway channel told of completions and failures.</param>
/// <param name="Nodes">How many nodes.</param>
/// <param name="Origin">Where it is declared.</param>
/// <param name="NextRunAt">Next scheduled tick, Unix ms.</param>
/// <param name="LatestRunId">Its latest run.</param>
/// <param name="LatestStatus">That run's status.</param>
public sealed record PipelineView(string Name, string? Description, string? Schedule, string Concurrency, string? Notify, int Nodes, string Origin,
    long? NextRunAt, string? LatestRunId, string? LatestStatus);

/// <summary><c>GET /v1/pipelines</c>.</summary>
/// <param name="Pipelines">The pipelines, by name.</param>
public sealed record PipelineList(IReadOnlyList<PipelineView> Pipelines);

/// <summary><c>GET /v1/pipelines/{name}</c>: a pipeline and its DAG.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Dag">Its DAG in canonical form.</param>
public sealed record PipelineDetail(PipelineView Pipeline, JsonObject Dag);

/// <summary><c>POST /v1/pipelines/{name}/trigger</c> body.</summary>
/// <param name="Data">Input of the run (templates read it as <c>{{input…}}</c>).</param>
/// <param name="RequestId">Idempotency key.</param>
public sealed record PipelineTriggerRequest(JsonNode? Data = null, string? RequestId = null);

/// <summary>What a pipeline trigger did.</summary>
/// <param name="Outcome"><c>started</c>, <c>replaced</c>, <c>skipped</c> or <c>duplicate</c>.</param>
/// <param name="RunId">The run started (or found).</param>
/// <param name="EventId">The request event.</param>
/// <param name="Reason">Why.</param>
public sealed record PipelineTriggerResult(string Outcome, string? RunId, string? EventId, string Reason);

/// <summary>One request of a pipeline: a tick, trigger or queue item, and what became of it.</summary>
/// <param name="EventId">The request event.</param>
/// <param name="At">Unix ms.</param>
/// <param name="Outcome">The decision (<c>matched</c> = started, <c>pipeline_busy</c>, <c>unavailable</c>).</param>
/// <param name="Reason">Why.</param>
/// <param name="RunId">The run started, if any.</param>
/// <param name="RunStatus">That run's status now.</param>
public sealed record PipelineHistoryEntry(string EventId, long At, string Outcome, string Reason, string? RunId, string? RunStatus);

/// <summary><c>GET /v1/pipelines/{name}/history</c>, newest first.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Entries">Its requests.</param>
public sealed record PipelineHistory(string Pipeline, IReadOnlyList<PipelineHistoryEntry> Entries);
