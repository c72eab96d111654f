using Switchyard.Server.Api;
using Switchyard.Server.Storage;

namespace Switchyard.Server.Runs;

/// <summary>Cancels a run on request: its queued calls and timers are dropped, its waits removed, and an in-flight
/// call's answer is ignored when it arrives.</summary>
public sealed class RunCanceller(IStore store, RunFinisher finisher)
{
    /// <summary>Cancels <paramref name="runId"/>; an error when it does not exist or has already ended.</summary>
    public async Task<(RunRecord? Run, ApiError? Error)> CancelAsync(string runId, string reason, CancellationToken cancellationToken) =>
        await store.WriteAsync<(RunRecord?, ApiError?)>(tx =>
        {
            var run = tx.GetRun(runId);
            if (run is null) return (null, ApiError.NotFound($"no run with id '{runId}'"));
            if (RunStatus.IsTerminal(run.Status))
                return (null, new ApiError(409, "run_ended", $"run {runId} already ended ({run.Status}); nothing to cancel"));
            finisher.Cancel(tx, run, reason);
            return (tx.GetRun(runId), null);
        }, cancellationToken);
}
