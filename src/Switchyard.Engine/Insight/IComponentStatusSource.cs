namespace Switchyard.Engine.Insight;

/// <summary>A host component that reports its own line in <see cref="StatusReport"/>; registered in DI, so the report
/// needs to know nothing of Redis or other optional parts.</summary>
public interface IComponentStatusSource
{
    /// <summary>The component's current status.</summary>
    ComponentStatus Status();
}
