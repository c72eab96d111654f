using System.Text;

namespace Switchyard.Protocol.Dags;

/// <summary>Names of the environment variables a shell node sees.</summary>
public static class DagEnvironment
{
    /// <summary><c>DEP_&lt;NODE_ID&gt;</c>: the id upper-cased, every character other than a letter or digit as <c>_</c>.</summary>
    public static string DependencyVariable(string nodeId)
    {
        var name = new StringBuilder("DEP_", nodeId.Length + 4);
        foreach (var c in nodeId) name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        return name.ToString();
    }
}
