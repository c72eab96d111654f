namespace Switchyard.Supervisor.Supervision;

/// <summary>The most recent thing that went wrong with a service.</summary>
/// <param name="At">When.</param>
/// <param name="Action">The telemetry action that reported it, e.g. <c>supervisor.child.exited</c>.</param>
/// <param name="Reason">One line: what happened.</param>
public sealed record ServiceFailure(DateTimeOffset At, string Action, string Reason);
