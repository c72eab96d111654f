namespace Switchyard.Protocol.Events;

/// <summary>Names of the events the server itself emits, as the Inngest SDKs expect them.</summary>
public static class InternalEvents
{
    /// <summary>Triggering event of a run started by <c>invoke</c>.</summary>
    public const string FunctionInvoked = "inngest/function.invoked";
    /// <summary>Emitted when any run ends (completed or failed).</summary>
    public const string FunctionFinished = "inngest/function.finished";
    /// <summary>Emitted when a run fails for good; triggers <c>onFailure</c> handlers.</summary>
    public const string FunctionFailed = "inngest/function.failed";
    /// <summary>Triggering event of a cron run.</summary>
    public const string ScheduledTimer = "inngest/scheduled.timer";
}
