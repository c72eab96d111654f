using Switchyard.Configuration;

namespace Switchyard.Engine.Model;

/// <summary>Work-queue items of one family, priority and state (<c>yard queue stats</c>).</summary>
/// <param name="Family">The family.</param>
/// <param name="Priority">The priority items were emitted with.</param>
/// <param name="State">Their state.</param>
/// <param name="Count">How many.</param>
/// <param name="OldestEnqueuedAt">The oldest one's enqueue time, Unix ms.</param>
/// <param name="DispatchedSince">How many were dispatched at or after the time asked for.</param>
public sealed record WorkQueueCount(string Family, QueuePriority Priority, WorkItemState State, long Count, long OldestEnqueuedAt, long DispatchedSince);
