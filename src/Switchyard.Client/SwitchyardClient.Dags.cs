using System.Text.Json.Nodes;
using Switchyard.Client.Models;

namespace Switchyard.Client;

public sealed partial class SwitchyardClient
{
    /// <summary><c>POST /v1/dags</c>: submits a DAG document (JSON, with an optional <c>input</c>).</summary>
    /// <exception cref="SwitchyardApiException">400 <c>invalid_dag</c> naming the node and field; 409 when no worker
    /// serves DAG runs.</exception>
    public Task<DagSubmitted> SubmitDagAsync(JsonObject dag, CancellationToken cancellationToken = default) =>
        PostAsync<DagSubmitted>("v1/dags", dag, cancellationToken);

    /// <summary><c>GET /v1/dags</c>: DAG runs, newest first.</summary>
    public Task<DagRunList> ListDagRunsAsync(string? pipeline = null, string? status = null, int? count = null, CancellationToken cancellationToken = default) =>
        GetAsync<DagRunList>("v1/dags" + Query(("pipeline", pipeline), ("status", status), ("count", Number(count))), cancellationToken);

    /// <summary><c>GET /v1/dags/{id}</c>: a DAG run with its nodes; with <paramref name="wait"/>, answers once it ends or the
    /// wait (at most 5 minutes) passes.</summary>
    public Task<DagRunView> GetDagRunAsync(string runId, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        GetAsync<DagRunView>($"v1/dags/{Segment(runId)}" + Query(("wait", Seconds(wait))), cancellationToken);

    /// <summary><c>POST /v1/dags/{id}/cancel</c>: cancels a DAG run; its running shell nodes are stopped.</summary>
    public Task<DagRunView> CancelDagRunAsync(string runId, CancellationToken cancellationToken = default) =>
        PostAsync<DagRunView>($"v1/dags/{Segment(runId)}/cancel", null, cancellationToken);

    /// <summary><c>GET /v1/pipelines</c>.</summary>
    public Task<PipelineList> ListPipelinesAsync(CancellationToken cancellationToken = default) => GetAsync<PipelineList>("v1/pipelines", cancellationToken);

    /// <summary><c>GET /v1/pipelines/{name}</c>.</summary>
    public Task<PipelineDetail> GetPipelineAsync(string name, CancellationToken cancellationToken = default) =>
        GetAsync<PipelineDetail>($"v1/pipelines/{Segment(name)}", cancellationToken);

    /// <summary><c>POST /v1/pipelines/{name}/trigger</c>: starts a run now (by the pipeline's concurrency policy); with
    /// <paramref name="wait"/>, answers once the run ends or the wait passes.</summary>
    public Task<PipelineTriggerResult> TriggerPipelineAsync(string name, PipelineTriggerRequest request, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        PostAsync<PipelineTriggerResult>($"v1/pipelines/{Segment(name)}/trigger" + Query(("wait", Seconds(wait))), request, cancellationToken);

    /// <summary><c>GET /v1/pipelines/{name}/history</c>: its requests and what became of each, newest first.</summary>
    public Task<PipelineHistory> GetPipelineHistoryAsync(string name, int? count = null, CancellationToken cancellationToken = default) =>
        GetAsync<PipelineHistory>($"v1/pipelines/{Segment(name)}/history" + Query(("count", Number(count))), cancellationToken);

    private static string? Seconds(TimeSpan? wait) => wait is { } w ? $"{Math.Max(1, (long)Math.Ceiling(w.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)}s" : null;
}
