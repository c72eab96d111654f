namespace Switchyard.Engine.Model;

/// <summary>Kinds of waits.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<WaitKind>))]
public enum WaitKind
{
    /// <summary><c>waitForEvent</c>: resolves the step with the event.</summary>
    [WireName("event")]
    Event,
    /// <summary><c>invoke</c>: resolves the step with the child run's result.</summary>
    [WireName("invoke")]
    Invoke,
    /// <summary><c>cancelOn</c>: cancels the run when a matching event arrives.</summary>
    [WireName("cancel")]
    Cancel,
}
