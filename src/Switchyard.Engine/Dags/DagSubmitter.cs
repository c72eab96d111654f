using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Events;
using Switchyard.Engine.Storage;
using Switchyard.Protocol.Dags;

namespace Switchyard.Engine.Dags;

/// <summary>Submits a validated DAG (<c>POST /v1/dags</c>, <c>yard dag run</c>): one transaction stores the request and
/// starts the run, so a 2xx means the DAG is durable. A request id seen within the dedup window answers with the run
/// it started, whatever the DAG sent the second time.</summary>
public sealed class DagSubmitter(EventIngest ingest, DagRuns runs, ServerOptions options)
{
    /// <summary>Submits <paramref name="spec"/>; an <see cref="EngineError"/> when no worker serves DAG runs.</summary>
    public Task<(DagSubmission? Submission, EngineError? Error)> SubmitAsync(DagSpec spec, JsonNode? input, string source, CancellationToken cancellationToken)
    {
        return ingest.WriteAsync<(DagSubmission?, EngineError?)>(tx =>
        {
            if (runs.Orchestrator is not { } orchestrator) return (null, EngineError.Conflict("dag_runtime_missing", DagRuntime.MissingHint));
            var eventId = spec.RequestId is { } requestId ? "dag:" + requestId : "dag:" + Ulid.NewUlid();
            var key = "request:" + eventId;
            if (spec.RequestId is not null && !tx.ClaimEventId(eventId, tx.Now - (long)options.DedupWindow.TotalMilliseconds))
                return tx.KvGet(DagRuntime.Namespace, key) is { } existing
                    ? (new DagSubmission(existing, eventId, true), null)
                    : (null, EngineError.Conflict("duplicate_request", $"request id '{spec.RequestId}' was used by a request that started no run"));
            var stored = runs.StoreRequest(tx, DagRuntime.RequestedEvent, eventId, spec, input, source);
            var run = runs.Start(tx, stored, orchestrator, $"DAG of {spec.Nodes.Count.ToString(CultureInfo.InvariantCulture)} nodes submitted ({source})");
            tx.KvPut(DagRuntime.Namespace, key, run.Id, tx.Now + (long)options.DedupWindow.TotalMilliseconds);
            return (new DagSubmission(run.Id, eventId, false), null);
        }, cancellationToken);
    }
}
