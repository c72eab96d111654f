using Switchyard.Engine.Model;

namespace Switchyard.Engine.Storage;

/// <summary>Read-side queries; they see committed data only and never block writers.</summary>
public interface IStoreReader
{
    /// <summary>Newest events first, optionally by name prefix and minimum receive time.</summary>
    Task<IReadOnlyList<StoredEvent>> ListEventsAsync(string? namePrefix, long? sinceMs, int count, CancellationToken cancellationToken);
    /// <summary>The newest event with this id.</summary>
    Task<StoredEvent?> GetEventAsync(string id, CancellationToken cancellationToken);
    /// <summary>The event with this sequence number.</summary>
    Task<StoredEvent?> GetEventBySeqAsync(long seq, CancellationToken cancellationToken);
    /// <summary>Highest event sequence number committed so far.</summary>
    Task<long> LastEventSeqAsync(CancellationToken cancellationToken);
    /// <summary>A position such that every event committed after this call is returned by
    /// <see cref="IStoreTransaction.EventsSince"/> (used by waitForEvent's lookback). Opaque: a sequence number where
    /// commits are ordered (SQLite), a conservative time where they are not (PostgreSQL).</summary>
    Task<long> LookbackPositionAsync(CancellationToken cancellationToken);
    /// <summary>Number of stored events.</summary>
    Task<long> CountEventsAsync(CancellationToken cancellationToken);

    /// <summary>All apps.</summary>
    Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken cancellationToken);
    /// <summary>All functions.</summary>
    Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(CancellationToken cancellationToken);

    /// <summary>Newest runs first with optional filters.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunStatus? status, string? functionId, long? sinceMs, int count, CancellationToken cancellationToken);
    /// <summary>One run.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);
    /// <summary>Runs started by an event.</summary>
    Task<IReadOnlyList<RunRecord>> RunsForEventAsync(long eventSeq, CancellationToken cancellationToken);
    /// <summary>The run with its triggering event, memoized steps and a lookback position, on one connection (the
    /// executor's read before every call); null when the run does not exist.</summary>
    Task<CallState?> LoadCallStateAsync(string runId, CancellationToken cancellationToken);
    /// <summary>Memoized steps of a run in completion order.</summary>
    Task<IReadOnlyList<MemoizedStep>> GetStepsAsync(string runId, CancellationToken cancellationToken);
    /// <summary>A run's history, oldest first.</summary>
    Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken);
    /// <summary>Trigger decisions for a function between two times (Unix ms, inclusive), oldest first.</summary>
    Task<IReadOnlyList<Decision>> DecisionsForFunctionAsync(string functionId, long fromMs, long toMs, int count, CancellationToken cancellationToken);
    /// <summary>Trigger decisions for an event.</summary>
    Task<IReadOnlyList<Decision>> DecisionsForEventAsync(long eventSeq, CancellationToken cancellationToken);

    /// <summary>One live key-value entry, or null.</summary>
    Task<string?> KvGetAsync(string ns, string key, CancellationToken cancellationToken);
    /// <summary>Live key-value entries of a namespace.</summary>
    Task<IReadOnlyList<(string Key, string Value, long? ExpiresAt)>> KvListAsync(string ns, CancellationToken cancellationToken);
    /// <summary>Every replica that beat into the store and is not yet forgotten, oldest start first.</summary>
    Task<IReadOnlyList<ReplicaRecord>> ListReplicasAsync(CancellationToken cancellationToken);

    /// <summary>Observed edges from recent history: functions whose steps sent events (function id → event name), and
    /// functions that invoked others (function id → function id), over the newest <paramref name="historyWindow"/>
    /// history entries.</summary>
    Task<(IReadOnlyList<(string FunctionId, string EventName)> Sends, IReadOnlyList<(string FunctionId, string Invoked)> Invokes)> ObservedEdgesAsync(int historyWindow, CancellationToken cancellationToken);

    /// <summary>Every queue item (loaded once at start by the scheduler).</summary>
    Task<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken cancellationToken);

    /// <summary>One work-queue item.</summary>
    Task<WorkItem?> GetWorkItemAsync(string id, CancellationToken cancellationToken);
    /// <summary>Work-queue items, optionally of one family and state, by enqueue time (oldest first when
    /// <paramref name="oldestFirst"/>, else newest first).</summary>
    Task<IReadOnlyList<WorkItem>> ListWorkItemsAsync(string? family, WorkItemState? state, bool oldestFirst, int count, CancellationToken cancellationToken);
    /// <summary>Work-queue items counted by family, priority and state, with how many were dispatched since <paramref name="sinceMs"/>.</summary>
    Task<IReadOnlyList<WorkQueueCount>> CountWorkItemsAsync(long sinceMs, CancellationToken cancellationToken);
    /// <summary>Families with work for the dispatcher at <paramref name="now"/>: queued items due, or active items whose lease ended.</summary>
    Task<IReadOnlyList<string>> DueWorkFamiliesAsync(long now, CancellationToken cancellationToken);

    /// <summary>Telemetry events matching a query, newest first.</summary>
    Task<IReadOnlyList<TelemetryRecord>> SearchTelemetryAsync(TelemetryQuery query, CancellationToken cancellationToken);
    /// <summary>Telemetry correlated with any of these events or runs (<c>metadata.eventId</c> / <c>metadata.runId</c>), oldest first.</summary>
    Task<IReadOnlyList<TelemetryRecord>> TelemetryForAsync(IReadOnlyCollection<string> eventIds, IReadOnlyCollection<string> runIds, int count, CancellationToken cancellationToken);
    /// <summary>Telemetry counts since <paramref name="sinceMs"/> (event time), grouped by level, source, component and action.</summary>
    Task<IReadOnlyList<TelemetryCount>> CountTelemetryAsync(long sinceMs, CancellationToken cancellationToken);

    /// <summary>How many rows retention would delete now, per kind (<c>yard gc --dry-run</c>). Events a batch run still
    /// holds are counted too, so the event count is an upper bound.</summary>
    Task<RetentionCounts> CountExpiredAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken);
}
