using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Protocol.Functions;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Every store behaviour the engine relies on, run against each store.</summary>
public abstract class StoreConformanceTests : StoreTests
{
    private static StoredEvent Event(string id, string name = "conf/event", long at = 0) =>
        new(0, id, name, $$"""{"name":"{{name}}","data":{"k":1},"id":"{{id}}","ts":1}""", 1, at, "api");

    private static RunRecord Run(string id, long seq = 1) =>
        new(id, "app-fn", "app", "e1", seq, RunStatus.Queued, 1, null, null, null, null, -1, false, [], null, null);

    private static WorkItem Work(string id, Switchyard.Configuration.QueuePriority priority, long enqueuedAt, string family = "jobs") =>
        new(id, family, priority, "{\"n\":1}", null, WorkItemState.Queued, enqueuedAt, 0, enqueuedAt, null, null, 0, null, null, 0);

    [Fact]
    public async Task Replica_beats_are_upserted_listed_by_start_and_forgotten_after_long_silence()
    {
        await W(tx => { tx.ReplicaBeat(new ReplicaRecord("r2", "http://h:2", "1.0", 20, 25, null), 0); return 0; });
        await W(tx => { tx.ReplicaBeat(new ReplicaRecord("r1", "http://h:1", "1.0", 10, 15, null), 0); return 0; });
        await W(tx => { tx.ReplicaBeat(new ReplicaRecord("r2", "http://h:2", "1.1", 20, 40, 40), 0); return 0; });

        var replicas = await Store.Reader.ListReplicasAsync(default);
        Assert.Equal(["r1", "r2"], replicas.Select(r => r.Id));
        Assert.Equal(new ReplicaRecord("r2", "http://h:2", "1.1", 20, 40, 40), replicas[1]);
        Assert.Equal(ReplicaState.Stopped, replicas[1].StateAt(41, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(ReplicaState.Silent, replicas[0].StateAt(19, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(ReplicaState.Live, replicas[0].StateAt(16, TimeSpan.FromMilliseconds(1)));

        // A beat forgets every replica silent since before the cutoff.
        await W(tx => { tx.ReplicaBeat(new ReplicaRecord("r3", "http://h:3", "1.1", 50, 50, null), 30); return 0; });
        Assert.Equal(["r2", "r3"], (await Store.Reader.ListReplicasAsync(default)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_write_that_fails_midway_stores_nothing_of_its_own_and_keeps_the_others_in_its_commit()
    {
        await W(tx => { tx.InsertRun(Run("taken")); return 0; });
        // A batch of events, then a write the database refuses (the run id is taken): the refusal may only surface
        // when the batch reaches the database, after the events were accepted by the transaction.
        var failing = W(tx =>
        {
            for (var i = 0; i < 100; i++) tx.InsertEvent(Event($"batch-{i}", "conf/batch", tx.Now));
            tx.InsertRun(Run("taken"));
            return 0;
        });
        // Thrown by the work itself after some writes (no database error at all).
        var throwing = W<int>(tx =>
        {
            tx.InsertEvent(Event("thrown-1", "conf/batch", tx.Now));
            tx.InsertRun(Run("thrown-run"));
            throw new InvalidOperationException("the work gave up");
        });
        var kept = W(tx => tx.InsertEvent(Event("kept", "conf/batch", tx.Now)));
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        await Assert.ThrowsAsync<InvalidOperationException>(() => throwing);
        Assert.True(await kept > 0);
        // The next commit must not carry anything left over from the failed works either.
        await W(tx => { tx.InsertRun(Run("after")); return 0; });

        Assert.Equal(["kept"], (await Store.Reader.ListEventsAsync("conf/batch", null, 1000, default)).Select(e => e.Id));
        Assert.Null(await Store.Reader.GetRunAsync("thrown-run", default));
        Assert.NotNull(await Store.Reader.GetRunAsync("after", default));
    }

    [Fact]
    public async Task Waits_for_an_event_name_are_found_after_a_lookup_found_none_and_after_a_failed_write_undid_their_deletion()
    {
        static WaitRecord Wait(string id) => new(id, "r1", "h", WaitKind.Event, "conf/wait", null, null, long.MaxValue, 1);
        // One work: no wait yet, then one registered; the second lookup must see it.
        Assert.Equal((0, 1), await W(tx =>
        {
            var before = tx.WaitsForEvent("conf/wait").Count;
            tx.InsertWait(Wait("w1"));
            return (before, tx.WaitsForEvent("conf/wait").Count);
        }));
        // Two works of one commit (the writer is held until both are queued): the first deletes the wait, finds none
        // and fails, so its deletion is undone; the second must find the wait again.
        using var gate = new ManualResetEventSlim();
        var blocker = W(_ => gate.Wait(TimeSpan.FromSeconds(10)));
        var failing = W<int>(tx =>
        {
            tx.DeleteWait("w1");
            return tx.WaitsForEvent("conf/wait").Count == 0 ? throw new InvalidOperationException("the work gave up") : -1;
        });
        var after = W(tx => tx.WaitsForEvent("conf/wait").Count);
        gate.Set();
        Assert.True(await blocker);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(1, await after);
    }

    [Fact]
    public async Task Writes_then_reads_in_one_work_see_the_writes_and_locked_reads_return_their_rows()
    {
        // Deferred writes travel with the next read: the read must see them, and the result it returns must be its
        // own (not a lock's or an insert's that went in the same batch).
        var (value, run, waits) = await W(tx =>
        {
            tx.KvPut("ns", "k", "v1", null);
            tx.InsertRun(Run("rw"));
            tx.InsertWait(new WaitRecord("w-rw", "rw", "h", WaitKind.Event, "conf/rw", null, null, tx.Now + 60_000, tx.Now));
            return (tx.KvGet("ns", "k"), tx.GetRun("rw"), tx.WaitsForEvent("conf/rw"));
        });
        Assert.Equal("v1", value);
        Assert.Equal("rw", run?.Id);
        Assert.Equal("w-rw", Assert.Single(waits).Id);
        Assert.True(await W(tx => { tx.KvPut("ns", "k2", "v2", null); return tx.KvDelete("ns", "k2"); }));
    }

    [Fact]
    public async Task Work_items_are_stored_read_in_FIFO_order_per_priority_and_counted()
    {
        var p1 = Switchyard.Configuration.QueuePriority.P1;
        await W(tx => { tx.InsertWorkItem(Work("w2", p1, 100)); tx.InsertWorkItem(Work("w1", p1, 100)); tx.InsertWorkItem(Work("w3", p1, 50)); return 0; });
        await W(tx => { tx.InsertWorkItem(Work("w4", Switchyard.Configuration.QueuePriority.P3, 10) with { NotBefore = tx.Now + 60_000 }); tx.InsertWorkItem(Work("x1", p1, 1, "other")); return 0; });
        // Oldest first; in one millisecond, in store order.
        Assert.Equal(["w3", "w2", "w1"], (await W(tx => tx.QueuedWork("jobs", p1, tx.Now, 10))).Select(w => w.Id));
        Assert.Empty(await W(tx => tx.QueuedWork("jobs", Switchyard.Configuration.QueuePriority.P3, tx.Now, 10)));

        var w2 = (await Store.Reader.GetWorkItemAsync("w2", default))!;
        Assert.Equal(("jobs", p1, "{\"n\":1}"), (w2.Family, w2.Priority, w2.Data));
        await W(tx => { tx.UpdateWorkItem(tx.GetWorkItem("w2")! with { State = WorkItemState.Active, Attempt = 1, DispatchedAt = tx.Now, LeaseUntil = tx.Now - 1 }); return 0; });
        Assert.Equal(1, await W(tx => tx.CountActiveWork("jobs")));
        Assert.Equal(["w2"], (await W(tx => tx.ExpiredWorkLeases("jobs", tx.Now))).Select(w => w.Id));
        Assert.Equal((WorkItemState.Active, 1), ((await Store.Reader.GetWorkItemAsync("w2", default))!.State, (await Store.Reader.GetWorkItemAsync("w2", default))!.Attempt));

        Assert.Equal(["w1", "w2", "w3", "w4"], (await Store.Reader.ListWorkItemsAsync("jobs", null, false, 10, default)).Select(w => w.Id));
        Assert.Equal(["w4", "w3", "w1"], (await Store.Reader.ListWorkItemsAsync("jobs", WorkItemState.Queued, true, 3, default)).Select(w => w.Id));
        var counts = await Store.Reader.CountWorkItemsAsync(0, default);
        Assert.Equal(3, counts.Where(c => c.Family == "jobs" && c.State == WorkItemState.Queued).Sum(c => c.Count));
        Assert.Equal(1, counts.Single(c => c.Family == "jobs" && c.State == WorkItemState.Active).DispatchedSince);
        Assert.Equal(["jobs", "other"], (await Store.Reader.DueWorkFamiliesAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), default)).Order(StringComparer.Ordinal));

        await W(tx => { tx.UpdateWorkItem(tx.GetWorkItem("w3")! with { State = WorkItemState.Done, FinishedAt = 5 }); tx.UpdateWorkItem(tx.GetWorkItem("w1")! with { State = WorkItemState.Failed, FinishedAt = 500 }); return 0; });
        Assert.Equal(1, await W(tx => tx.PruneWorkItems(100, 10)));
        Assert.Null(await Store.Reader.GetWorkItemAsync("w3", default));
        Assert.NotNull(await Store.Reader.GetWorkItemAsync("w1", default));
    }

    [Fact]
    public async Task Concurrent_claims_of_one_family_see_each_others_active_items()
    {
        // Within one store; across replicas, PostgreSQL's CountActiveWork also takes a family lock until commit
        // (one store groups concurrent writes into one transaction, so this test cannot show that lock).
        await W(tx => { for (var i = 0; i < 10; i++) tx.InsertWorkItem(Work($"c{i}", Switchyard.Configuration.QueuePriority.P2, i)); return 0; });
        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => W(tx =>
        {
            if (tx.CountActiveWork("jobs") > 0) return false;
            tx.UpdateWorkItem(tx.GetWorkItem($"c{i}")! with { State = WorkItemState.Active });
            return true;
        })));
        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public async Task Event_ids_are_claimed_once_within_the_window()
    {
        Assert.True(await W(tx => tx.ClaimEventId("dup", tx.Now - 1000) && tx.InsertEvent(Event("dup", at: tx.Now)) > 0));
        Assert.False(await W(tx => tx.ClaimEventId("dup", tx.Now - 1000)));
        await Task.Delay(20);
        Assert.True(await W(tx => tx.ClaimEventId("dup", tx.Now - 5)));
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => W(tx => tx.ClaimEventId("race", tx.Now - 60_000) && tx.InsertEvent(Event("race", at: tx.Now)) > 0)));
        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public async Task Events_are_stored_in_order_and_listed()
    {
        var a = await W(tx => tx.InsertEvent(Event("a", "conf/a", tx.Now)));
        var b = await W(tx => tx.InsertEvent(Event("b", "conf/b", tx.Now)));
        Assert.True(b > a);
        Assert.Equal("a", (await Store.Reader.GetEventBySeqAsync(a, default))!.Id);
        Assert.Equal("conf/b", (await Store.Reader.GetEventAsync("b", default))!.Name);
        var listed = await Store.Reader.ListEventsAsync("conf/", null, 10, default);
        Assert.Equal(["b", "a"], listed.Select(e => e.Id));
        Assert.Equal(["a"], (await Store.Reader.ListEventsAsync("conf/a", null, 10, default)).Select(e => e.Id));
        Assert.True(await Store.Reader.LastEventSeqAsync(default) >= b);
        Assert.Equal(2, await Store.Reader.CountEventsAsync(default));
    }

    [Fact]
    public async Task Lookback_sees_events_committed_after_the_position()
    {
        var position = await Store.Reader.LookbackPositionAsync(default);
        await W(tx => tx.InsertEvent(Event("late", "conf/wait", tx.Now)));
        var seen = await W(tx => tx.EventsSince("conf/wait", position, 10));
        Assert.Contains(seen, e => e.Id == "late");
    }

    [Fact]
    public async Task A_resync_replaces_functions_and_keeps_pauses()
    {
        FunctionRecord Fn(string id, string app = "app") => new(id, app, new FunctionConfig { Id = id }, false, 1);
        await W(tx => { tx.UpsertApp(new AppRecord("app", "http://x", "sdk", "fw", "c1", 1, 1, 2)); return tx.ReplaceFunctions("app", [Fn("f1"), Fn("f2")]); });
        Assert.True(await W(tx => tx.SetPaused("f1", true)));
        var removed = await W(tx => tx.ReplaceFunctions("app", [Fn("f1"), Fn("f3")]));
        Assert.Equal(["f2"], removed);
        await W(tx => tx.ReplaceFunctions("other", [Fn("f1", "other")]));
        var functions = await Store.Reader.ListFunctionsAsync(default);
        Assert.Equal(["f1:app", "f1:other", "f3:app"], functions.Select(f => $"{f.Id}:{f.AppId}").Order());
        Assert.True(functions.Single(f => f.Id == "f1" && f.AppId == "app").Paused);
        Assert.Equal("http://x", (await Store.Reader.ListAppsAsync(default)).Single().Url);
        Assert.False(await W(tx => tx.SetPaused("nope", true)));
    }

    [Fact]
    public async Task Runs_round_trip_and_steps_are_memoized_once_in_order()
    {
        var run = Run("r1") with { Flow = """{"concurrency":[{"key":"k","limit":1}]}""", Batch = [1, 2] };
        await W(tx => { tx.InsertRun(run); return 0; });
        var updated = run with { Status = RunStatus.Running, StartedAt = 5, Pending = ["h1", "h2"], ForcePlan = true, Version = 2 };
        await W(tx => { tx.UpdateRun(updated); return 0; });
        var read = await W(tx => tx.GetRun("r1"))!;
        Assert.Equal(RunStatus.Running, read!.Status);
        Assert.Equal(["h1", "h2"], read.Pending);
        Assert.True(read.ForcePlan);
        Assert.Equal([1L, 2L], read.Batch);
        Assert.Equal(run.Flow, read.Flow);
        Assert.True(await W(tx => tx.InsertStep("r1", "h1", "one", "{\"data\":1}")));
        Assert.False(await W(tx => tx.InsertStep("r1", "h1", "one", "{\"data\":99}")));
        Assert.True(await W(tx => tx.InsertStep("r1", "h0", null, "null")));
        var steps = await Store.Reader.GetStepsAsync("r1", default);
        Assert.Equal(["h1", "h0"], steps.Select(s => s.Hash));
        Assert.Equal("{\"data\":1}", steps[0].Value);
        Assert.Single(await Store.Reader.ListRunsAsync(RunStatus.Running, "app-fn", null, 10, default));
        Assert.Single(await Store.Reader.RunsForEventAsync(1, default));
    }

    [Fact]
    public async Task Queue_items_are_enqueued_once_and_dequeued_once()
    {
        var item = new QueueItem("q1", "r1", QueueItemKind.Call, "step", 0, 5, null);
        await W(tx => { tx.Enqueue(item); tx.Enqueue(item); tx.Enqueue(item with { Id = "q2" }); tx.Enqueue(item with { Id = "q3", RunId = "r2" }); return 0; });
        Assert.Equal(3, (await Store.Reader.LoadQueueAsync(default)).Count);
        Assert.True(await W(tx => tx.Dequeue("q1")));
        Assert.False(await W(tx => tx.Dequeue("q1")));
        Assert.Equal(["q2"], await W(tx => tx.DequeueRun("r1")));
        Assert.Equal(["q3"], (await Store.Reader.LoadQueueAsync(default)).Select(q => q.Id));
    }

    [Fact]
    public async Task Queue_items_are_taken_with_their_run_only_while_they_are_queued()
    {
        await W(tx => { tx.InsertRun(Run("r1")); tx.Enqueue(new QueueItem("q1", "r1", QueueItemKind.Call, "step", 0, 5, null)); return 0; });

        // Held (not removed) with its run, then removed with it; once removed, neither gives the run.
        Assert.Equal("r1", (await W(tx => tx.HoldQueueItemWithRun("r1", "q1")))?.Id);
        Assert.Null(await W(tx => tx.HoldQueueItemWithRun("r-other", "q1")));
        Assert.Equal("r1", (await W(tx => tx.DequeueWithRun("q1", "r1")))?.Id);
        Assert.Null(await W(tx => tx.DequeueWithRun("q1", "r1")));
        Assert.Null(await W(tx => tx.HoldQueueItemWithRun("r1", "q1")));
        // A queued item of a run that is not stored gives no run either.
        await W(tx => { tx.Enqueue(new QueueItem("q2", "gone", QueueItemKind.Call, "step", 0, 5, null)); return 0; });
        Assert.Null(await W(tx => tx.DequeueWithRun("q2", "gone")));
        Assert.Empty(await Store.Reader.LoadQueueAsync(default));
    }

    [Fact]
    public async Task Writes_whose_answer_nobody_reads_are_stored_like_the_answered_ones()
    {
        await W(tx =>
        {
            tx.InsertRun(Run("r1"));
            tx.Enqueue(new QueueItem("q1", "r1", QueueItemKind.Call, "step", 0, 5, null));
            tx.Enqueue(new QueueItem("q2", "r1", QueueItemKind.Timeout, "finish", 0, 5, null));
            tx.Enqueue(new QueueItem("q3", "r2", QueueItemKind.Call, "step", 0, 5, null));
            return 0;
        });
        await W(tx =>
        {
            tx.MemoizeStep("r1", "h1", "one", "{\"data\":1}");
            tx.MemoizeStep("r1", "h1", "one", "{\"data\":99}");
            tx.MemoizeStep("r1", "h2", null, "null");
            tx.DropQueueItem("q3");
            tx.DropQueueItem("never-queued");
            tx.DropRunQueue("r1");
            return 0;
        });

        var steps = await Store.Reader.GetStepsAsync("r1", default);
        Assert.Equal(["h1", "h2"], steps.Select(s => s.Hash));
        Assert.Equal("{\"data\":1}", steps[0].Value);
        Assert.Equal(["h1", "h2"], (await W(tx => tx.ExistingSteps("r1", ["h0", "h1", "h2", "h3"]))).Order());
        Assert.Empty(await W(tx => tx.ExistingSteps("r1", [])));
        Assert.Empty(await Store.Reader.LoadQueueAsync(default));

        var record = new Switchyard.Engine.Model.TelemetryRecord("t-append", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, "info", "svc", "c", "did.thing", null, true,
            null, "{}", null, null, "r1", null);
        await Store.WriteTelemetryAsync(tx => { tx.AppendTelemetry(record with { ReceivedAt = tx.Now }); tx.AppendTelemetry(record with { ReceivedAt = tx.Now }); return 0; });
        Assert.Equal("t-append", (await Store.Reader.TelemetryForAsync([], ["r1"], 10, default)).Single().Id);
    }

    [Fact]
    public async Task A_runs_last_update_in_a_write_wins_and_an_undone_write_keeps_the_one_before()
    {
        var run = Run("r1");
        await W(tx => { tx.InsertRun(run); return 0; });
        // Three updates in one write, history rows between them (with and without their optional fields).
        await W(tx =>
        {
            tx.UpdateRun(run with { Status = RunStatus.Running, StartedAt = 10, Pending = ["h1"] });
            tx.AppendHistory(new HistoryEntry(0, "r1", 11, HistoryKind.StepCompleted, "h1", "one", "StepRun", 2, 12.5, "{\"a\":1}"));
            tx.UpdateRun(run with { Status = RunStatus.Running, StartedAt = 10, Pending = [] });
            tx.AppendHistory(new HistoryEntry(0, "r1", 12, HistoryKind.RunCompleted, null, null, null, 0, null, null));
            tx.UpdateRun(run with { Status = RunStatus.Completed, StartedAt = 10, EndedAt = 12, Output = "42", Pending = [] });
            return 0;
        });
        var read = (await Store.Reader.GetRunAsync("r1", default))!;
        Assert.Equal((RunStatus.Completed, 10L, 12L, "42"), (read.Status, read.StartedAt, read.EndedAt, read.Output));
        Assert.Empty(read.Pending);
        var history = await Store.Reader.GetHistoryAsync("r1", default);
        Assert.Equal([HistoryKind.StepCompleted, HistoryKind.RunCompleted], history.Select(h => h.Kind));
        Assert.Equal(("h1", "one", "StepRun", 2, 12.5, "{\"a\":1}"), (history[0].StepHash, history[0].StepName, history[0].Op, history[0].Attempt, history[0].DurationMs, history[0].Detail));
        Assert.Equal((null, null, null, 0, null, null), (history[1].StepHash, history[1].StepName, history[1].Op, history[1].Attempt, history[1].DurationMs, history[1].Detail));

        // A write that updates the run and then fails is undone; the update of the write before it stays.
        await Assert.ThrowsAsync<InvalidOperationException>(() => W<int>(tx =>
        {
            tx.UpdateRun(run with { Status = RunStatus.Failed, Error = "no" });
            tx.UpdateRun(run with { Status = RunStatus.Cancelled, Error = "no" });
            throw new InvalidOperationException("refused");
        }));
        Assert.Equal(RunStatus.Completed, (await Store.Reader.GetRunAsync("r1", default))!.Status);
    }

    [Fact]
    public async Task Waits_are_found_by_event_name_or_child_and_deleted_once()
    {
        await W(tx =>
        {
            tx.InsertWait(new WaitRecord("w1", "r1", "h", WaitKind.Event, "conf/approved", "async.data.ok", null, tx.Now + 60_000, tx.Now));
            tx.InsertWait(new WaitRecord("w2", "r1", "", WaitKind.Cancel, "conf/approved", null, null, tx.Now + 60_000, tx.Now));
            tx.InsertWait(new WaitRecord("w3", "r2", "h2", WaitKind.Invoke, null, null, "child", tx.Now + 60_000, tx.Now));
            return 0;
        });
        Assert.Equal(["w1", "w2"], (await W(tx => tx.WaitsForEvent("conf/approved"))).Select(w => w.Id).Order());
        Assert.Equal("w3", (await W(tx => tx.WaitForChild("child")))!.Id);
        Assert.Equal("async.data.ok", (await W(tx => tx.GetWait("w1")))!.Expression);
        Assert.True(await W(tx => tx.DeleteWait("w1")));
        Assert.False(await W(tx => tx.DeleteWait("w1")));
        await W(tx => { tx.DeleteWaits("r1"); return 0; });
        Assert.Empty(await W(tx => tx.WaitsForEvent("conf/approved")));
    }

    [Fact]
    public async Task Key_values_expire_and_prune()
    {
        // Long enough that a loaded machine reads b before it expires (it once did not at 50 ms).
        await W(tx => { tx.KvPut("ns", "a", "1", null); tx.KvPut("ns", "b", "2", tx.Now + 1500); tx.KvPut("ns", "a", "3", null); return 0; });
        Assert.Equal("3", await W(tx => tx.KvGet("ns", "a")));
        Assert.Equal("3", await Store.Reader.KvGetAsync("ns", "a", default));
        Assert.Equal(2, (await Store.Reader.KvListAsync("ns", default)).Count);
        await Task.Delay(1600);
        Assert.Null(await W(tx => tx.KvGet("ns", "b")));
        Assert.Single(await W(tx => tx.KvList("ns")));
        Assert.Equal(1, await W(tx => tx.KvPrune()));
        Assert.True(await W(tx => tx.KvDelete("ns", "a")));
        Assert.False(await W(tx => tx.KvDelete("ns", "a")));
    }

    [Fact]
    public async Task History_and_decisions_are_queryable()
    {
        await W(tx =>
        {
            tx.AppendHistory(new HistoryEntry(0, "r1", tx.Now, HistoryKind.RunScheduled, null, null, null, 0, null, "{}"));
            tx.AppendHistory(new HistoryEntry(0, "r1", tx.Now, HistoryKind.StepCompleted, "h", "s", "StepRun", 1, 2.5, "1"));
            tx.InsertDecision(new Decision("e1", 7, "fn", DecisionOutcome.Matched, "because", "r1", tx.Now));
            tx.InsertDecision(new Decision("e2", 8, "fn", DecisionOutcome.Paused, "paused", null, tx.Now));
            return 0;
        });
        var history = await Store.Reader.GetHistoryAsync("r1", default);
        Assert.Equal([HistoryKind.RunScheduled, HistoryKind.StepCompleted], history.Select(h => h.Kind));
        Assert.Equal(2.5, history[1].DurationMs);
        Assert.Equal("because", (await Store.Reader.DecisionsForEventAsync(7, default)).Single().Reason);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(2, (await Store.Reader.DecisionsForFunctionAsync("fn", now - 60_000, now + 60_000, 10, default)).Count);
    }

    [Fact]
    public async Task A_failing_write_does_not_undo_the_others_and_callbacks_follow_commits()
    {
        var committed = 0;
        var good = W(tx => { tx.KvPut("ns", "good", "1", null); tx.OnCommitted(() => Interlocked.Increment(ref committed)); return 1; });
        var bad = W<int>(tx => { tx.KvPut("ns", "bad", "1", null); tx.OnCommitted(() => Interlocked.Increment(ref committed)); throw new InvalidOperationException("boom"); });
        Assert.Equal(1, await good);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal(1, committed);
        Assert.Equal("1", await Store.Reader.KvGetAsync("ns", "good", default));
        Assert.Null(await Store.Reader.KvGetAsync("ns", "bad", default));
    }

    [Fact]
    public async Task Telemetry_is_stored_once_and_searchable()
    {
        var record = new Switchyard.Engine.Model.TelemetryRecord("t1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, "error", "billing", "charges", "charge.failed", 12, false,
            "card declined by issuer", "{\"runId\":\"r9\"}", null, null, "r9", null);
        Assert.True(await Store.WriteTelemetryAsync(tx => tx.InsertTelemetry(record with { ReceivedAt = tx.Now })));
        Assert.False(await Store.WriteTelemetryAsync(tx => tx.InsertTelemetry(record with { ReceivedAt = tx.Now })));
        var found = await Store.Reader.SearchTelemetryAsync(new Switchyard.Engine.Model.TelemetryQuery(Switchyard.Engine.Model.TelemetryQuery.Words("declined card"), ["error"], null, null, null, 10), default);
        Assert.Equal("t1", found.Single().Id);
        Assert.Single(await Store.Reader.TelemetryForAsync([], ["r9"], 10, default));
        Assert.Single(await Store.Reader.CountTelemetryAsync(0, default));
    }
}

public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    protected override Task<IStore> CreateAsync() =>
        Task.FromResult<IStore>(new SqliteStore(Path.Combine(TempDir.Create(), "conf.db"), NullLogger<SqliteStore>.Instance));

    [Fact]
    public async Task Telemetry_lives_in_a_file_of_its_own_and_survives_a_reopen()
    {
        var path = Path.Combine(TempDir.Create(), "own.db");
        var record = new Switchyard.Engine.Model.TelemetryRecord("t-own", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, "info", "svc", "c", "did.thing", null, true,
            null, "{}", null, null, null, null);
        await using (var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
        {
            await store.InitializeAsync(default);
            await store.WriteTelemetryAsync(tx => tx.InsertTelemetry(record with { ReceivedAt = tx.Now }));
        }

        Assert.True(File.Exists(SqliteStore.TelemetryPath(path)));
        Assert.EndsWith("own-telemetry.db", SqliteStore.TelemetryPath(path), StringComparison.Ordinal);
        await using (var main = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await main.OpenAsync();
            await using var cmd = main.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'telemetry%'";
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
        }
        await using (var reopened = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
        {
            await reopened.InitializeAsync(default);
            var found = await reopened.Reader.SearchTelemetryAsync(new Switchyard.Engine.Model.TelemetryQuery(Switchyard.Engine.Model.TelemetryQuery.Words("did"), [], null, null, null, 10), default);
            Assert.Equal("t-own", found.Single().Id);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreConformanceTests(PostgresServer postgres) : StoreConformanceTests
{
    protected override async Task<IStore> CreateAsync()
    {
        Assert.Null(postgres.Unavailable);
        return new PostgresStore(await postgres.CreateDatabaseAsync(), NullLogger<PostgresStore>.Instance);
    }

    [Fact]
    public async Task A_work_of_writes_costs_one_round_trip_and_a_read_carries_the_writes_before_it()
    {
        await using var store = new PostgresStore(await postgres.CreateDatabaseAsync(), NullLogger<PostgresStore>.Instance);
        await store.InitializeAsync(default);
        var trips = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "switchyard.store.round_trips") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "store" && Equals(tag.Value, store.Location)) Interlocked.Add(ref trips, value);
        });
        listener.Start();

        // Five writes whose results nobody reads: SAVEPOINT, the writes and RELEASE in one batch, then COMMIT.
        await store.WriteAsync(tx =>
        {
            tx.InsertRun(new RunRecord("r", "app-fn", "app", "e1", 1, RunStatus.Queued, 1, null, null, null, null, -1, false, [], null, null));
            for (var i = 0; i < 3; i++) tx.AppendHistory(new HistoryEntry(0, "r", tx.Now, HistoryKind.RunStarted, null, null, null, 0, null, null));
            tx.KvPut("ns", "k", "v", null);
            return 0;
        });
        Assert.Equal(2, Interlocked.Read(ref trips));

        // Writes, then a locked read (lock and select): one batch for all of it, one for the RELEASE, one COMMIT.
        Interlocked.Exchange(ref trips, 0);
        Assert.Equal("v", await store.WriteAsync(tx => { tx.KvPut("ns", "k2", "w", null); return tx.KvGet("ns", "k"); }));
        Assert.Equal(3, Interlocked.Read(ref trips));
    }
}
