using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Protocol.Dags;

namespace Switchyard.Engine.Dags;

/// <summary>Starts DAG runs inside a write transaction: stores the request event (the run's trigger, carrying the DAG
/// in its canonical form), starts a run of the orchestrator directly (no trigger matching, so the event starts exactly
/// this one run), and records the decision that <c>yard why</c> shows.</summary>
public sealed class DagRuns(FunctionRegistry registry, RunStarter starter)
{
    /// <summary>The orchestrator's registration, or null when no worker serves it.</summary>
    public FunctionRecord? Orchestrator => registry.Current.Function(DagRuntime.FunctionId);

    /// <summary>Stores the request event <paramref name="eventId"/> named <paramref name="eventName"/>.</summary>
    public StoredEvent StoreRequest(IStoreTransaction tx, string eventName, string eventId, DagSpec spec, JsonNode? input, string source)
    {
        var data = new JsonObject { ["dag"] = spec.ToJson(), ["source"] = source };
        if (input is not null) data["input"] = input.DeepClone();
        if (spec.Pipeline is not null) data["pipeline"] = spec.Pipeline;
        var json = new JsonObject { ["name"] = eventName, ["data"] = data, ["id"] = eventId, ["ts"] = tx.Now };
        var stored = new StoredEvent(0, eventId, eventName, json.ToJsonString(), tx.Now, tx.Now, source);
        return stored with { Seq = tx.InsertEvent(stored) };
    }

    /// <summary>Starts the orchestrator for <paramref name="request"/> and records the decision.</summary>
    public RunRecord Start(IStoreTransaction tx, StoredEvent request, FunctionRecord orchestrator, string reason)
    {
        var run = starter.Start(tx, request, orchestrator, reason);
        tx.InsertDecision(new Decision(request.Id, request.Seq, orchestrator.Id, DecisionOutcome.Matched, reason, run.Id, tx.Now));
        return run;
    }
}
