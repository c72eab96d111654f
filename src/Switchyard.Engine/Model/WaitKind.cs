using Switchyard.Engine.Runs;

namespace Switchyard.Engine.Model;

/// <summary>Kinds of waits.</summary>
public static class WaitKind
{
    /// <summary><c>waitForEvent</c>: resolves the step with the event.</summary>
    public const string Event = "event";
    /// <summary><c>invoke</c>: resolves the step with the child run's result.</summary>
    public const string Invoke = "invoke";
    /// <summary><c>cancelOn</c>: cancels the run when a matching event arrives.</summary>
    public const string Cancel = "cancel";
}
