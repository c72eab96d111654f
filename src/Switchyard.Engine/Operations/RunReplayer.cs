using Switchyard.Engine.Errors;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Runs;

namespace Switchyard.Engine.Operations;

/// <summary>Starts new runs of a function for the original events of a time window: those of its runs (optionally
/// only runs in one status), or, without a status, every event it matched or skipped because it was paused.
/// Replays bypass idempotency, rate limit, debounce and batching (they exist to suppress duplicates, and a replay is a
/// deliberate duplicate); concurrency and cancel rules still apply.</summary>
public sealed class RunReplayer(IStore store, FunctionRegistry registry, RunStarter starter)
{
    /// <summary>Most runs one replay starts.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>Replays; returns the new run ids.</summary>
    public async Task<(IReadOnlyList<string>? RunIds, EngineError? Error)> ReplayAsync(string functionId, long fromMs, long toMs, RunStatus? status, CancellationToken ct)
    {
        if (registry.Current.Function(functionId) is not { } fn) return (null, EngineError.NotFound($"no function with id '{functionId}'"));
        if (toMs < fromMs) return (null, EngineError.Invalid("invalid_window", "to is before from"));
        List<long> seqs;
        if (status is not null)
        {
            var runs = await store.Reader.ListRunsAsync(status, functionId, fromMs, MaxRuns, ct);
            seqs = runs.Where(r => r.CreatedAt <= toMs).OrderBy(r => r.CreatedAt).Select(r => r.EventSeq).Distinct().ToList();
        }
        else
        {
            var decisions = await store.Reader.DecisionsForFunctionAsync(functionId, fromMs, toMs, MaxRuns, ct);
            seqs = decisions.Where(d => d.Outcome is DecisionOutcome.Matched or DecisionOutcome.Paused).Select(d => d.EventSeq).Distinct().ToList();
        }
        var ids = await store.WriteAsync(tx =>
        {
            var started = new List<string>();
            foreach (var seq in seqs)
            {
                if (tx.EventBySeq(seq) is not { } ev) continue;
                var reason = $"replayed by an operator (window {DateTimeOffset.FromUnixTimeMilliseconds(fromMs):u} – {DateTimeOffset.FromUnixTimeMilliseconds(toMs):u}{(status is null ? "" : $", status {status}")})";
                var run = starter.Start(tx, ev, fn, reason);
                tx.InsertDecision(new Decision(ev.Id, ev.Seq, fn.Id, DecisionOutcome.Matched, reason, run.Id, tx.Now));
                started.Add(run.Id);
            }
            return started;
        }, ct);
        return (ids, null);
    }

    /// <summary>Starts a new run of <paramref name="runId"/>'s function for the same event (the dashboard's Rerun);
    /// like a replay it bypasses the rules that suppress duplicates.</summary>
    public async Task<(string? RunId, EngineError? Error)> RerunAsync(string runId, CancellationToken ct)
    {
        if (await store.Reader.GetRunAsync(runId, ct) is not { } old) return (null, EngineError.NotFound($"no run with id '{runId}'"));
        if (registry.Current.Function(old.FunctionId) is not { } fn) return (null, EngineError.NotFound($"no function with id '{old.FunctionId}'"));
        var id = await store.WriteAsync(tx =>
        {
            if (tx.EventBySeq(old.EventSeq) is not { } ev) return null;
            var reason = $"rerun of {old.Id} by an operator";
            var run = starter.Start(tx, ev, fn, reason);
            tx.InsertDecision(new Decision(ev.Id, ev.Seq, fn.Id, DecisionOutcome.Matched, reason, run.Id, tx.Now));
            return run.Id;
        }, ct);
        return id is null ? (null, EngineError.NotFound($"the event of run '{runId}' is no longer stored")) : (id, null);
    }
}
