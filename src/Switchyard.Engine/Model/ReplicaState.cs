namespace Switchyard.Engine.Model;

/// <summary>Whether a server replica is alive, judged from its heartbeats in the store.</summary>
public enum ReplicaState
{
    /// <summary>It beat within the last few intervals.</summary>
    Live,
    /// <summary>It missed <see cref="ReplicaRecord.MissedBeats"/> beats without shutting down: crashed, hung or cut off from the store.</summary>
    Silent,
    /// <summary>It shut down cleanly.</summary>
    Stopped,
}
