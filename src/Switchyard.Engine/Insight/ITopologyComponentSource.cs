namespace Switchyard.Engine.Insight;

/// <summary>An optional host component (Redis, …) that shows itself in <see cref="TopologyBuilder"/>'s components;
/// registered in DI only when configured, so the map needs to know nothing of it.</summary>
public interface ITopologyComponentSource
{
    /// <summary>The component's name, kind and address.</summary>
    TopologyComponent Describe();
}
