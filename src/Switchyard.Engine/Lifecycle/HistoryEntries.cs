using Switchyard.Engine.Storage;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Lifecycle;

/// <summary>Small factories for the history entries the engine records, so no caller spells out ten positional
/// arguments (the sequence number is assigned by the store).</summary>
public static class HistoryEntries
{
    /// <summary>An entry about the run as a whole (scheduled, started, …).</summary>
    public static HistoryEntry Run(IStoreTransaction tx, string runId, HistoryKind kind, string? detail) =>
        new(0, runId, tx.Now, kind, null, null, null, 0, null, detail);

    /// <summary>The run ended with <paramref name="kind"/> (completed, failed, cancelled); the entry carries how long the
    /// run took since it started.</summary>
    public static HistoryEntry RunEnded(IStoreTransaction tx, RunRecord run, HistoryKind kind, string detail) =>
        new(0, run.Id, tx.Now, kind, null, null, null, 0, tx.Now - (run.StartedAt ?? run.CreatedAt), detail);

    /// <summary>An entry about one step, identified by its hash.</summary>
    public static HistoryEntry Step(IStoreTransaction tx, string runId, HistoryKind kind, string? stepHash, string? detail,
        string? stepName = null, string? op = null, int attempt = 0, double? durationMs = null) =>
        new(0, runId, tx.Now, kind, stepHash, stepName, op, attempt, durationMs, detail);
}
