namespace Switchyard.Engine.Dags;

/// <summary>Names shared with the DAG orchestrator, a function served by the built-in worker
/// (<c>Switchyard.Worker</c>, role host): DAG runs are runs of it, so they appear in <c>yard runs</c>, <c>yard trace</c>,
/// <c>yard why</c> and telemetry like any other run.</summary>
public static class DagRuntime
{
    /// <summary>The orchestrator's function id (the worker's default app id, <c>switchyard</c>, plus <c>-dag</c>).</summary>
    public const string FunctionId = "switchyard-dag";

    /// <summary>The event that carries a submitted DAG (<c>POST /v1/dags</c>); sending it also starts a DAG run.</summary>
    public const string RequestedEvent = "switchyard/dag.requested";

    /// <summary>The event that carries a pipeline request (schedule tick, trigger, queue item).</summary>
    public const string PipelineRequestedEvent = "switchyard/pipeline.requested";

    /// <summary>kv namespace of the DAG runtime: request ids → runs, and each pipeline's latest run.</summary>
    public const string Namespace = "dags";

    /// <summary>What to tell a user when no worker serves the orchestrator.</summary>
    public const string MissingHint =
        "no worker serves DAG runs (function " + FunctionId + " is not registered): start `yard worker --role host` or `yard dev --roles host`";
}
