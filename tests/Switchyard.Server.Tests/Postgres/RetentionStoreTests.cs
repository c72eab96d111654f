using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Retention's store primitives, on each store: what goes, what never goes, and how many rows one slice may touch.</summary>
public abstract class RetentionStoreTests : StoreTests
{
    private static StoredEvent Event(string id, long receivedAt) =>
        new(0, id, "ret/event", $$"""{"name":"ret/event","data":{},"id":"{{id}}","ts":1}""", 1, receivedAt, "api");

    private static RunRecord Run(string id, long eventSeq, RunStatus status, long? endedAt, IReadOnlyList<long>? batch = null) =>
        new(id, "app-fn", "app", "e", eventSeq, status, 10, 10, endedAt, null, null, 1, false, [], null, null, Batch: batch);

    /// <summary>A run with two steps, three history entries, a decision, a queue row and a wait.</summary>
    private static void RunWithRows(IStoreTransaction tx, RunRecord run, int history = 3)
    {
        tx.InsertRun(run);
        tx.InsertStep(run.Id, "h1", "one", "1");
        tx.InsertStep(run.Id, "h2", "two", "2");
        for (var i = 0; i < history; i++) tx.AppendHistory(new HistoryEntry(0, run.Id, 10 + i, HistoryKind.StepCompleted, "h1", "one", null, 1, 1, null));
        tx.InsertDecision(new Decision("e", run.EventSeq, "app-fn", DecisionOutcome.Matched, "matched", run.Id, 10));
        tx.Enqueue(new QueueItem($"q-{run.Id}", run.Id, QueueItemKind.Sleep, "h3", 1, 99_999, null));
        tx.InsertWait(new WaitRecord($"w-{run.Id}", run.Id, "h4", WaitKind.Event, "x/y", null, null, 99_999, 10));
    }

    [Fact]
    public async Task Finished_runs_past_their_status_cutoff_go_with_all_their_rows_and_unfinished_runs_stay()
    {
        var seq = await W(tx => tx.InsertEvent(Event("e", 1)));
        await W(tx =>
        {
            RunWithRows(tx, Run("done-old", seq, RunStatus.Completed, 100));
            RunWithRows(tx, Run("done-new", seq, RunStatus.Completed, 5_000));
            RunWithRows(tx, Run("failed-old", seq, RunStatus.Failed, 100));
            RunWithRows(tx, Run("cancelled-old", seq, RunStatus.Cancelled, 100));
            // Sleeping and waiting runs are Running: they never end, so no cutoff reaches them.
            RunWithRows(tx, Run("running", seq, RunStatus.Running, null));
            RunWithRows(tx, Run("queued", seq, RunStatus.Queued, null));
            return 0;
        });
        // Completed kept 1 s, failed kept until 50 (so the failed run stays), cancelled kept 1 s.
        var cutoffs = new RetentionCutoffs(1_000, 50, 1_000, RetentionCutoffs.Never, RetentionCutoffs.Never, RetentionCutoffs.Never);

        var expected = new RetentionCounts(Runs: 2, Steps: 4, History: 6, Decisions: 2, QueueItems: 2, Waits: 2);
        Assert.Equal(expected, await Store.Reader.CountExpiredAsync(cutoffs, default));
        Assert.Equal(expected, await W(tx => tx.PruneRuns(cutoffs, 1_000)));
        Assert.Equal(RetentionCounts.None, await W(tx => tx.PruneRuns(cutoffs, 1_000)));

        Assert.Null(await Store.Reader.GetRunAsync("done-old", default));
        Assert.Null(await Store.Reader.GetRunAsync("cancelled-old", default));
        Assert.Empty(await Store.Reader.GetHistoryAsync("done-old", default));
        Assert.Empty(await Store.Reader.GetStepsAsync("done-old", default));
        Assert.DoesNotContain(await Store.Reader.LoadQueueAsync(default), q => q.RunId == "done-old");
        foreach (var kept in new[] { "done-new", "failed-old", "running", "queued" })
        {
            Assert.NotNull(await Store.Reader.GetRunAsync(kept, default));
            Assert.Equal(3, (await Store.Reader.GetHistoryAsync(kept, default)).Count);
            Assert.Equal(2, (await Store.Reader.GetStepsAsync(kept, default)).Count);
        }
        Assert.Contains(await Store.Reader.LoadQueueAsync(default), q => q.RunId == "running");
        Assert.Equal(4, (await Store.Reader.DecisionsForEventAsync(seq, default)).Count);
    }

    [Fact]
    public async Task A_slice_touches_at_most_its_limit_of_rows_and_a_large_run_goes_over_several_slices()
    {
        var seq = await W(tx => tx.InsertEvent(Event("e", 1)));
        // 2 steps + 25 history + decision + queue row + wait + the run itself = 31 rows.
        await W(tx => { RunWithRows(tx, Run("big", seq, RunStatus.Completed, 100), history: 25); return 0; });
        await W(tx => { RunWithRows(tx, Run("small", seq, RunStatus.Completed, 100), history: 1); return 0; });
        var cutoffs = new RetentionCutoffs(1_000, 1_000, 1_000, RetentionCutoffs.Never, RetentionCutoffs.Never, RetentionCutoffs.Never);

        var slices = new List<RetentionCounts>();
        while (true)
        {
            var slice = await W(tx => tx.PruneRuns(cutoffs, 10));
            if (slice.Total == 0) break;
            slices.Add(slice);
            Assert.True(slices.Count < 20, "retention made no progress");
        }
        Assert.All(slices, s => Assert.True(s.Total <= 10, $"a slice touched {s.Total} rows"));
        Assert.Equal(31 + 7, slices.Sum(s => s.Total));
        Assert.Equal(2, slices.Sum(s => s.Runs));
        Assert.True(slices.Count >= 4);
        Assert.Empty(await Store.Reader.ListRunsAsync(null, null, null, 10, default));
        Assert.Empty(await Store.Reader.GetHistoryAsync("big", default));
    }

    [Fact]
    public async Task Old_events_go_with_their_decisions_unless_a_run_still_refers_to_them()
    {
        var free = await W(tx => tx.InsertEvent(Event("free", 1)));
        var trigger = await W(tx => tx.InsertEvent(Event("trigger", 1)));
        var first = await W(tx => tx.InsertEvent(Event("first", 1)));
        var member = await W(tx => tx.InsertEvent(Event("member", 1)));
        var recent = await W(tx => tx.InsertEvent(Event("recent", 5_000)));
        await W(tx =>
        {
            tx.InsertDecision(new Decision("free", free, "app-fn", DecisionOutcome.ExpressionFalse, "if was false", null, 1));
            tx.InsertRun(Run("waiting", trigger, RunStatus.Running, null));
            // A batch run refers to one event by event_seq and to every member through its batch.
            tx.InsertRun(Run("batched", member, RunStatus.Queued, null, batch: [first, member]));
            return 0;
        });

        Assert.Equal(1, (await Store.Reader.CountExpiredAsync(new RetentionCutoffs(RetentionCutoffs.Never, RetentionCutoffs.Never, RetentionCutoffs.Never, 1_000, RetentionCutoffs.Never, RetentionCutoffs.Never), default)).Decisions);
        Assert.Equal(new RetentionCounts(Events: 1, Decisions: 1), await W(tx => tx.PruneEvents(1_000, 100)));
        Assert.Null(await Store.Reader.GetEventBySeqAsync(free, default));
        Assert.Empty(await Store.Reader.DecisionsForEventAsync(free, default));
        foreach (var kept in new[] { trigger, first, member, recent }) Assert.NotNull(await Store.Reader.GetEventBySeqAsync(kept, default));

        // Once the runs are gone, their events may go too.
        await W(tx => { tx.UpdateRun(Run("waiting", trigger, RunStatus.Completed, 100)); tx.UpdateRun(Run("batched", member, RunStatus.Completed, 100)); return 0; });
        await W(tx => tx.PruneRuns(new RetentionCutoffs(1_000, 1_000, 1_000, RetentionCutoffs.Never, RetentionCutoffs.Never, RetentionCutoffs.Never), 100));
        Assert.Equal(3, (await W(tx => tx.PruneEvents(1_000, 100))).Events);
        Assert.NotNull(await Store.Reader.GetEventBySeqAsync(recent, default));
    }
}

public sealed class SqliteRetentionStoreTests : RetentionStoreTests
{
    protected override Task<IStore> CreateAsync() =>
        Task.FromResult<IStore>(new SqliteStore(Path.Combine(TempDir.Create(), "ret.db"), NullLogger<SqliteStore>.Instance));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionStoreTests(PostgresServer postgres) : RetentionStoreTests
{
    protected override async Task<IStore> CreateAsync()
    {
        Assert.Null(postgres.Unavailable);
        return new PostgresStore(await postgres.CreateDatabaseAsync(), NullLogger<PostgresStore>.Instance);
    }
}
