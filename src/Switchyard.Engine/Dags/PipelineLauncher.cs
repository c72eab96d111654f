using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Dags;

/// <summary>Starts pipeline runs by their <c>concurrency</c> policy. Every request is stored as a
/// <c>switchyard/pipeline.requested</c> event with id <c>pipeline:NAME:REQUEST</c> (so a schedule tick, a queue item or
/// a trigger with a request id counts once, across restarts and replicas), and its outcome is a decision on that
/// event: started, skipped because the last run is still going, or not started because no worker serves DAG runs.</summary>
public sealed class PipelineLauncher(PipelineCatalog catalog, DagRuns runs, RunFinisher finisher, ServerOptions options) : IPipelineLauncher
{
    /// <inheritdoc />
    public IReadOnlyList<string> Names => catalog.All.Select(p => p.Name).ToList();

    /// <inheritdoc />
    public bool Exists(string name) => catalog.Find(name) is not null;

    /// <summary>The kv key of a pipeline's latest run.</summary>
    public static string LatestKey(string pipeline) => "latest:" + pipeline;

    /// <summary>The request event id of a pipeline request.</summary>
    public static string EventId(string pipeline, string requestId) => $"pipeline:{pipeline}:{requestId}";

    /// <inheritdoc />
    public PipelineLaunchResult Launch(IStoreTransaction tx, PipelineLaunchRequest request)
    {
        if (catalog.Find(request.Pipeline) is not { } pipeline)
            return new PipelineLaunchResult(PipelineLaunchOutcome.UnknownPipeline, null, null,
                $"no pipeline is named '{request.Pipeline}' (known: {(Names.Count == 0 ? "none" : string.Join(", ", Names))})");
        var eventId = EventId(pipeline.Name, request.RequestId);
        var requestKey = "request:" + eventId;
        if (!tx.ClaimEventId(eventId, tx.Now - (long)options.DedupWindow.TotalMilliseconds))
            return new PipelineLaunchResult(PipelineLaunchOutcome.Duplicate, tx.KvGet(DagRuntime.Namespace, requestKey), eventId, "this request was seen before");

        var stored = runs.StoreRequest(tx, DagRuntime.PipelineRequestedEvent, eventId, pipeline.Spec, request.Input, request.Source);
        if (runs.Orchestrator is not { } orchestrator)
        {
            tx.InsertDecision(new Decision(stored.Id, stored.Seq, DagRuntime.FunctionId, DecisionOutcome.Unavailable, DagRuntime.MissingHint, null, tx.Now));
            return new PipelineLaunchResult(PipelineLaunchOutcome.Skipped, null, eventId, DagRuntime.MissingHint);
        }

        var latest = tx.KvGet(DagRuntime.Namespace, LatestKey(pipeline.Name)) is { } latestId ? tx.GetRun(latestId) : null;
        var busy = latest is not null && !RunStatuses.IsTerminal(latest.Status);
        var outcome = PipelineLaunchOutcome.Started;
        if (busy && pipeline.Concurrency == PipelineConcurrency.Forbid)
        {
            var why = $"pipeline {pipeline.Name} has concurrency = \"forbid\" and its run {latest!.Id} is still {latest.Status.ToWire()}";
            tx.InsertDecision(new Decision(stored.Id, stored.Seq, orchestrator.Id, DecisionOutcome.PipelineBusy, why, null, tx.Now));
            return new PipelineLaunchResult(PipelineLaunchOutcome.Skipped, latest.Id, eventId, why);
        }
        if (busy && pipeline.Concurrency == PipelineConcurrency.Replace)
        {
            finisher.Cancel(tx, latest!, $"replaced by a new run of pipeline {pipeline.Name} ({request.Source}, concurrency = \"replace\")");
            outcome = PipelineLaunchOutcome.Replaced;
        }
        var reason = $"pipeline {pipeline.Name} ({request.Source})" + (outcome == PipelineLaunchOutcome.Replaced ? $", replacing run {latest!.Id}" : "");
        var run = runs.Start(tx, stored, orchestrator, reason);
        tx.KvPut(DagRuntime.Namespace, LatestKey(pipeline.Name), run.Id, null);
        tx.KvPut(DagRuntime.Namespace, requestKey, run.Id, tx.Now + (long)options.DedupWindow.TotalMilliseconds);
        return new PipelineLaunchResult(outcome, run.Id, eventId, reason);
    }

}
