using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Dags;

/// <summary>One node of a <see cref="DagSpec"/>, validated.</summary>
/// <param name="Id">Unique within the DAG: letters, digits, <c>_ . -</c>.</param>
/// <param name="Handler">What it does.</param>
/// <param name="DependsOn">Nodes that must succeed before this one starts.</param>
/// <param name="Config">Handler settings; every string in it may hold templates (<see cref="DagTemplate"/>).</param>
/// <param name="Timeout">Longest one attempt may take; null for the handler's default.</param>
/// <param name="Retries">Further attempts after a failed one.</param>
/// <param name="Role">Role of the worker that runs a shell node (<c>host</c> by default).</param>
public sealed record DagNode(string Id, DagHandler Handler, IReadOnlyList<string> DependsOn, JsonObject Config, TimeSpan? Timeout, int Retries, string Role);
