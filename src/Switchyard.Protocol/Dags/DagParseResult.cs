namespace Switchyard.Protocol.Dags;

/// <summary>A parsed DAG, or the problems that refused it.</summary>
/// <param name="Spec">The DAG; null when <paramref name="Problems"/> is not empty.</param>
/// <param name="Problems">Every problem found, first the structural ones.</param>
public sealed record DagParseResult(DagSpec? Spec, IReadOnlyList<DagProblem> Problems)
{
    /// <summary>True when the DAG is valid.</summary>
    public bool IsValid => Spec is not null;
}
