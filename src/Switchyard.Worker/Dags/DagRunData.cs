using System.Text.Json.Nodes;

namespace Switchyard.Worker.Dags;

/// <summary>The data of a DAG run's triggering event: <c>{dag, input?, pipeline?}</c>, where <c>dag</c> is the DAG in
/// its canonical form (the server validated it before starting the run).</summary>
internal static class DagRunData
{
    public const string Dag = "dag";
    public const string Input = "input";
}
