using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Dags;

/// <summary>A validated DAG: nodes in the order given, each naming the nodes it depends on. Built only by
/// <see cref="DagParser"/>, so a <see cref="DagSpec"/> is always acyclic with every dependency present.</summary>
/// <param name="RequestId">Idempotency key of the submission, when given.</param>
/// <param name="Pipeline">The pipeline this DAG runs for, when it is one.</param>
/// <param name="MaxParallel">Most nodes running at once.</param>
/// <param name="RetryDelay">Wait before a node's first retry; doubled for each later one.</param>
/// <param name="Nodes">The nodes, in declaration order.</param>
public sealed record DagSpec(string? RequestId, string? Pipeline, int MaxParallel, TimeSpan RetryDelay, IReadOnlyList<DagNode> Nodes)
{
    /// <summary>A node by id.</summary>
    public DagNode? Node(string id) => Nodes.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.Ordinal));

    /// <summary>The canonical JSON form (camelCase keys), which <see cref="DagParser"/> reads back unchanged.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (RequestId is not null) json["requestId"] = RequestId;
        if (Pipeline is not null) json["pipeline"] = Pipeline;
        json["maxParallel"] = MaxParallel;
        json["retryDelay"] = TimeString.Format(RetryDelay);
        json["nodes"] = new JsonArray(Nodes.Select(n =>
        {
            var node = new JsonObject
            {
                ["id"] = n.Id,
                ["handler"] = n.Handler.ToString().ToLowerInvariant(),
            };
            if (n.DependsOn.Count > 0) node["dependsOn"] = new JsonArray(n.DependsOn.Select(d => (JsonNode)d).ToArray());
            if (n.Config.Count > 0) node["config"] = n.Config.DeepClone();
            if (n.Timeout is { } t) node["timeout"] = TimeString.Format(t);
            if (n.Retries > 0) node["retries"] = n.Retries;
            if (n.Role != DagLimits.DefaultRole) node["role"] = n.Role;
            return (JsonNode)node;
        }).ToArray());
        return json;
    }
}
