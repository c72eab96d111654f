namespace Switchyard.Configuration;

/// <summary>A work-queue priority: <see cref="P0"/> is dispatched first.</summary>
public enum QueuePriority
{
    /// <summary>Most urgent.</summary>
    P0 = 0,
    /// <summary>High.</summary>
    P1 = 1,
    /// <summary>Normal (the default of a family).</summary>
    P2 = 2,
    /// <summary>Low.</summary>
    P3 = 3,
}
