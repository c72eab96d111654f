namespace Switchyard.Supervisor.Processes;

/// <summary>A child and everything it started. Children are spawned through <c>setsid</c>, so the child leads a new
/// session and process group whose id is its pid; stopping signals the whole group, so a shell script's background
/// jobs or a runtime's worker processes do not outlive it. Start times guard against pid reuse: a process counts as a
/// member only if it started no earlier than the leader (and the leader pid only with the leader's exact start).</summary>
internal sealed class ProcessGroup(int leader, long leaderStartTicks, bool ownGroup, ProcFs proc, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(2);

    /// <summary>The leader's pid (= the group and session id when <see cref="OwnGroup"/>).</summary>
    public int Leader { get; } = leader;

    /// <summary>The leader's start time in clock ticks since boot.</summary>
    public long LeaderStartTicks { get; } = leaderStartTicks;

    /// <summary>False when <c>setsid</c> was unavailable: then only the leader itself is signalled.</summary>
    public bool OwnGroup { get; } = ownGroup;

    /// <summary>The live processes of the group (zombies excluded: they hold nothing and only wait to be reaped).</summary>
    public IReadOnlyList<ProcStat> Members()
    {
        var leader = proc.Stat(Leader);
        if (!OwnGroup)
            return leader is { Alive: true } s && s.StartTicks == LeaderStartTicks ? [s] : [];
        if (leader is not null && leader.StartTicks != LeaderStartTicks)
            return []; // the pid now names an unrelated process, so the old session id may be reused: claim nothing
        // The leader counts whatever its session: for an instant after spawn, setsid has not yet moved it.
        return proc.All().Where(p => p.Alive && (p.Pid == Leader
            ? p.StartTicks == LeaderStartTicks
            : (p.Session == Leader || p.ProcessGroup == Leader) && p.StartTicks >= LeaderStartTicks)).ToList();
    }

    /// <summary>SIGTERM to every member, up to <paramref name="grace"/> for all of them to exit, then SIGKILL. Not
    /// cancellable: a stop that is begun is finished. Returns true when SIGKILL was needed.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (Members().Count == 0) return false;
        Signal(Libc.SigTerm);
        if (await WaitEmptyAsync(grace)) return false;
        Signal(Libc.SigKill);
        await WaitEmptyAsync(KillWait);
        return true;
    }

    /// <summary>Polls until no member is left, or <paramref name="timeout"/> passes.</summary>
    public async Task<bool> WaitEmptyAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (Members().Count == 0) return true;
            if (time.GetUtcNow() >= deadline) return false;
            await Task.Delay(Poll, time);
        }
    }

    private void Signal(int signal)
    {
        if (OwnGroup) Libc.SignalGroup(Leader, signal);
        // Members that moved to a process group of their own (in the same session) are signalled one by one.
        foreach (var m in Members())
            if (!OwnGroup || m.ProcessGroup != Leader) Libc.Signal(m.Pid, signal);
    }
}
