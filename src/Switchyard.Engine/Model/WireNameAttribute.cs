namespace Switchyard.Engine.Model;

/// <summary>The string an enum member is stored and sent as (<c>run.completed</c>, <c>wait-timeout</c>, …): the names
/// databases written by earlier builds hold and the REST API has always answered with.</summary>
/// <param name="name">The wire name.</param>
[AttributeUsage(AttributeTargets.Field)]
public sealed class WireNameAttribute(string name) : Attribute
{
    /// <summary>The wire name.</summary>
    public string Name { get; } = name;
}
