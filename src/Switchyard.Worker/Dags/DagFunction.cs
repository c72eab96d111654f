using System.Text.Json.Nodes;
using Switchyard.Protocol.Dags;
using Switchyard.Sdk;

namespace Switchyard.Worker.Dags;

/// <summary>The DAG orchestrator: a durable function whose steps are the DAG's nodes. A node starts as soon as all
/// of its own dependencies have succeeded (not when a whole wave is done), up to the DAG's <c>maxParallel</c> at
/// once; its outputs feed its dependents' templates and <c>DEP_*</c> variables. When a node fails for good, nothing
/// new starts, nodes already running finish, every node that did not start is recorded as skipped, and the run
/// fails naming the node.</summary>
/// <remarks>
/// Replay-safe by construction: every decision is a function of memoized step values, and step names carry the node
/// id and attempt (<see cref="DagStepNames"/>), so the order in which nodes are reached on replay does not change
/// what is memoized. Node attempts never throw into the engine: each attempt's value records success or failure, so
/// the engine's own retries (high, see <see cref="Define"/>) are left for failed calls, a killed worker or a
/// lost connection, and a node's <c>retries</c> are counted here, with a durable backoff sleep between attempts.
/// </remarks>
internal sealed class DagFunction(DagNodeRunner runner) : SwitchyardFunction<JsonObject>, IFunctionDefinition
{
    /// <summary>The event that starts a DAG run; the server also starts runs directly (<c>POST /v1/dags</c>).</summary>
    public const string RequestedEvent = "switchyard/dag.requested";

    /// <summary>The event of a pipeline run (schedule tick, trigger, queue item).</summary>
    public const string PipelineRequestedEvent = "switchyard/pipeline.requested";

    public static void Define(FunctionBuilder function) => function
        .Id(WorkerFunction.Dag.Id).Name("DAG run")
        .Roles([.. WorkerFunction.Dag.Roles])
        .OnEvent(RequestedEvent)
        // Pipeline runs are started by the server (by the pipeline's concurrency policy), never by a sent event: the
        // trigger is there so the SDK accepts the run's event, and its condition never holds.
        .OnEvent(PipelineRequestedEvent, "false")
        // A node starts as soon as its own dependencies are done, not when every running node is.
        .RaceParallelSteps()
        // Calls that fail (worker killed mid-call, connection lost) are retried; node failures are values.
        .Retries(20);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var parsed = DagParser.Parse(context.Event.Data?[DagRunData.Dag]);
        if (parsed.Spec is not { } spec)
            throw new NonRetriableException("the DAG is not valid: " + string.Join("; ", parsed.Problems));
        var input = context.Event.Data?[DagRunData.Input];
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, NodeOutcome>(StringComparer.Ordinal);
        var started = new Dictionary<string, Task<NodeOutcome>>(StringComparer.Ordinal);
        string? failed = null;

        while (true)
        {
            if (failed is null)
            {
                var running = started.Keys.Count(id => !outcomes.ContainsKey(id));
                foreach (var node in spec.Nodes)
                {
                    if (running >= spec.MaxParallel) break;
                    if (started.ContainsKey(node.Id) || !node.DependsOn.All(d => outcomes.TryGetValue(d, out var o) && o.Succeeded)) continue;
                    started[node.Id] = runner.RunAsync(context, spec, node, outputs, input);
                    running++;
                }
            }
            var open = spec.Nodes.Where(n => started.ContainsKey(n.Id) && !outcomes.ContainsKey(n.Id)).Select(n => started[n.Id]).ToList();
            if (open.Count == 0) break;
            await Task.WhenAny(open);
            // Collect in declaration order, so the same memoized values always lead to the same next nodes.
            foreach (var node in spec.Nodes)
            {
                if (!started.TryGetValue(node.Id, out var task) || !task.IsCompleted || outcomes.ContainsKey(node.Id)) continue;
                var outcome = await task;
                outcomes[node.Id] = outcome;
                if (outcome.Succeeded) outputs[node.Id] = outcome.Output;
                else failed ??= node.Id;
            }
        }

        if (failed is not null)
        {
            var skipped = spec.Nodes.Where(n => !started.ContainsKey(n.Id)).Select(n => n.Id).ToList();
            if (skipped.Count > 0) await context.Step.RunAsync(DagStepNames.Skipped, () => skipped);
            var outcome = outcomes[failed];
            throw new NonRetriableException($"node '{failed}' failed after {outcome.Attempts} attempt{(outcome.Attempts == 1 ? "" : "s")}: {outcome.Error}");
        }
        var result = new JsonObject();
        foreach (var node in spec.Nodes) result[node.Id] = outputs[node.Id]?.DeepClone();
        return new JsonObject { ["status"] = "completed", ["nodes"] = result };
    }
}
