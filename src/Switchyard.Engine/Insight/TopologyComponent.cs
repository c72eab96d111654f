namespace Switchyard.Engine.Insight;

/// <summary>A component on the topology map.</summary>
/// <param name="Name">Display name, e.g. <c>redis</c>.</param>
/// <param name="Kind">Kind, e.g. <c>redis</c>.</param>
/// <param name="Address">Where it is reached, without credentials.</param>
public sealed record TopologyComponent(string Name, string Kind, Uri Address);
