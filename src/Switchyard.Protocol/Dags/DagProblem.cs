namespace Switchyard.Protocol.Dags;

/// <summary>Why a DAG was refused: the node (when the problem is in one) and the field.</summary>
/// <param name="Node">The offending node's id, or its position (<c>nodes[3]</c>) when it has none; null for a
/// DAG-level field.</param>
/// <param name="Field">The field, e.g. <c>dependsOn</c>.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record DagProblem(string? Node, string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Node is null ? $"{Field}: {Message}" : $"node '{Node}': {Field}: {Message}";
}
