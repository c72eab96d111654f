using Switchyard.Engine.Events;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;

namespace Switchyard.Engine.Operations;

/// <summary>Cancels a run on request: its queued calls and timers are dropped, its waits removed, and an in-flight
/// call's answer is ignored when it arrives.</summary>
public sealed class RunCanceller(EventIngest ingest, RunFinisher finisher)
{
    /// <summary>Cancels <paramref name="runId"/>; an error when it does not exist or has already ended.</summary>
    public async Task<(RunRecord? Run, EngineError? Error)> CancelAsync(string runId, string reason, CancellationToken cancellationToken) =>
        await ingest.WriteAsync<(RunRecord?, EngineError?)>(tx =>
        {
            var run = tx.GetRun(runId);
            if (run is null) return (null, EngineError.NotFound($"no run with id '{runId}'"));
            if (RunStatuses.IsTerminal(run.Status))
                return (null, EngineError.Conflict("run_ended", $"run {runId} already ended ({run.Status}); nothing to cancel"));
            finisher.Cancel(tx, run, reason);
            return (tx.GetRun(runId), null);
        }, cancellationToken);
}
