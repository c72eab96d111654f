namespace Switchyard.Gateway.Channels;

/// <summary>A channel's health.</summary>
public enum HealthState
{
    /// <summary>Sending (and polling) works.</summary>
    Healthy,

    /// <summary>Recent sends or polls failed.</summary>
    Degraded,

    /// <summary>Muted or turned off in config: nothing is sent.</summary>
    Disabled,
}
