namespace Switchyard.Protocol.Calls;

/// <summary>Op codes an SDK answers with in a 206 body.</summary>
public static class OpCode
{
    /// <summary>A step ran; <c>data</c> holds its result.</summary>
    public const string StepRun = "StepRun";
    /// <summary>Legacy form of a step result.</summary>
    public const string Step = "Step";
    /// <summary>A step threw and may be retried.</summary>
    public const string StepError = "StepError";
    /// <summary>A step failed for good.</summary>
    public const string StepFailed = "StepFailed";
    /// <summary>A step was found but not run; the server must call it by its hash.</summary>
    public const string StepPlanned = "StepPlanned";
    /// <summary>Sleep; <c>name</c> holds the duration or the ISO instant.</summary>
    public const string Sleep = "Sleep";
    /// <summary>Wait for an event; <c>name</c> holds the event name, <c>opts</c> timeout and <c>if</c>.</summary>
    public const string WaitForEvent = "WaitForEvent";
    /// <summary>Invoke another function; <c>opts</c> holds <c>function_id</c>, <c>payload</c>, <c>timeout</c>.</summary>
    public const string InvokeFunction = "InvokeFunction";
    /// <summary>The function returned; <c>data</c> holds the result.</summary>
    public const string RunComplete = "RunComplete";
    /// <summary>Durable-endpoint discovery request.</summary>
    public const string DiscoveryRequest = "DiscoveryRequest";
    /// <summary>Experimental lazy ops that are not steps.</summary>
    public const string DeferAdd = "DeferAdd";
    /// <summary>Experimental lazy ops that are not steps.</summary>
    public const string DeferAbort = "DeferAbort";
    /// <summary>Not supported by Switchyard yet.</summary>
    public const string WaitForSignal = "WaitForSignal";
    /// <summary>Not supported by Switchyard yet.</summary>
    public const string AIGateway = "AIGateway";
    /// <summary>Not supported by Switchyard yet.</summary>
    public const string Gateway = "Gateway";

    /// <summary>True for ops that are not steps and must not affect the stack or the pending set.</summary>
    public static bool IsLazy(string op) => op is DeferAdd or DeferAbort;
}
