using Switchyard.Client;

namespace Switchyard.Worker.Shell;

/// <summary>Watches a DAG run's status (<c>GET /v1/runs/{id}</c>, every second) so a running shell node is killed as
/// soon as its DAG is over: this is how <c>yard dag cancel</c> reaches a process on the host. An unknown run or an
/// unreachable server is not an end: the call's own abort covers a lost server.</summary>
internal sealed class DagRunWatch(SwitchyardClient bus, TimeProvider time)
{
    /// <summary>How often the run is read.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Completes with the run's terminal status (<c>Completed</c>, <c>Failed</c>, <c>Cancelled</c>) once it
    /// has one; until then it polls, until <paramref name="cancellationToken"/> fires.</summary>
    public async Task<string> WaitForEndAsync(string dagRunId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                var status = (await bus.GetRunAsync(dagRunId, cancellationToken)).Run.Status;
                if (status is "Completed" or "Failed" or "Cancelled") return status;
            }
            catch (Exception e) when (e is SwitchyardApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Keep running: see the class remarks.
            }
        }
        throw new OperationCanceledException(cancellationToken);
    }
}
