namespace Switchyard.Engine.Model;

/// <summary>One server replica as it last reported itself to the store.</summary>
/// <param name="Id">Replica id, unique per process start (host, pid and a random suffix).</param>
/// <param name="Address">The URL the replica listens on.</param>
/// <param name="Version">The replica's <c>yard</c> version.</param>
/// <param name="StartedAt">When the replica started, Unix ms.</param>
/// <param name="LastBeatAt">Its last heartbeat, Unix ms.</param>
/// <param name="StoppedAt">When it shut down cleanly, Unix ms; null while it runs or after a crash.</param>
public sealed record ReplicaRecord(string Id, string Address, string Version, long StartedAt, long LastBeatAt, long? StoppedAt)
{
    /// <summary>Beats missed before a replica that did not say goodbye counts as silent (crashed or cut off).</summary>
    public const int MissedBeats = 3;

    /// <summary>The replica's state at <paramref name="now"/> (Unix ms), for heartbeats every <paramref name="beat"/>.</summary>
    public ReplicaState StateAt(long now, TimeSpan beat) =>
        StoppedAt is not null ? ReplicaState.Stopped
        : now - LastBeatAt > (long)(beat.TotalMilliseconds * MissedBeats) ? ReplicaState.Silent
        : ReplicaState.Live;
}
