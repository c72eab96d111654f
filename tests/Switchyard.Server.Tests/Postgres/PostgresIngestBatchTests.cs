using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Batch ingest on PostgreSQL: a batch of events costs a fixed number of round trips, not some per event,
/// and what the writer remembers to save them (reserved seqs, event names without waits) never hides a row.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestBatchTests(PostgresServer postgres) : IAsyncLifetime
{
    private PostgresStore _store = null!;
    private string _connection = null!;
    private long _trips;
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();

    public async Task InitializeAsync()
    {
        Assert.Null(postgres.Unavailable);
        _connection = await postgres.CreateDatabaseAsync();
        _store = new PostgresStore(_connection, NullLogger<PostgresStore>.Instance);
        await _store.InitializeAsync(default);
        _listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "switchyard.store.round_trips") l.EnableMeasurementEvents(instrument); };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "store" && Equals(tag.Value, _store.Location)) Interlocked.Add(ref _trips, value);
        });
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _store.DisposeAsync();
    }

    private static StoredEvent Event(string id, long at) => new(0, id, "batch/ev", $$"""{"name":"batch/ev","data":{},"id":"{{id}}","ts":1}""", 1, at, "api");

    // What EventIngest does per event: store it, look for waits on its name, record a decision.
    private static long Ingest(IStoreTransaction tx, string id)
    {
        var seq = tx.InsertEvent(Event(id, tx.Now));
        Assert.Empty(tx.WaitsForEvent("batch/ev"));
        tx.InsertDecision(new Decision(id, seq, "app-fn", DecisionOutcome.Matched, "because", null, tx.Now));
        return seq;
    }

    [Fact]
    public async Task A_batch_of_100_events_with_decisions_takes_four_round_trips_and_every_row_is_stored()
    {
        // The first batch learns how many seqs a transaction takes (blocks of 16, 32, 64: three reservations).
        await _store.WriteAsync(tx => Enumerable.Range(0, 100).Select(i => Ingest(tx, $"first{i}")).ToList());
        Assert.Equal(6, Interlocked.Exchange(ref _trips, 0));
        var seqs = await _store.WriteAsync(tx => Enumerable.Range(0, 100).Select(i => Ingest(tx, $"e{i}")).ToList());

        // Reserve the seqs (with the SAVEPOINT), look for waits once, then the rows and the RELEASE, then COMMIT.
        Assert.Equal(4, Interlocked.Read(ref _trips));
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(100, seqs.Distinct().Count());
        Assert.Equal(200, await _store.Reader.CountEventsAsync(default));
        for (var i = 0; i < 100; i += 33)
        {
            var stored = await _store.Reader.GetEventBySeqAsync(seqs[i], default);
            Assert.Equal($"e{i}", stored!.Id);
            Assert.Equal("api", stored.Source);
            Assert.Equal($"e{i}", (await _store.Reader.DecisionsForEventAsync(seqs[i], default)).Single().EventId);
        }

        // The next transaction's events come after: what was left of the block was dropped at commit.
        var later = await _store.WriteAsync(tx => Ingest(tx, "later"));
        Assert.True(later > seqs[^1]);
        Assert.Equal("later", (await _store.Reader.GetEventBySeqAsync(later, default))!.Id);
    }

    [Fact]
    public async Task A_wait_registered_after_its_name_was_found_without_waits_is_found_in_the_same_transaction()
    {
        var found = await _store.WriteAsync(tx =>
        {
            Assert.Empty(tx.WaitsForEvent("batch/approved"));
            tx.InsertWait(new WaitRecord("w1", "r1", "h", WaitKind.Event, "batch/approved", null, null, tx.Now + 60_000, tx.Now));
            return tx.WaitsForEvent("batch/approved");
        });
        Assert.Equal("w1", found.Single().Id);
    }

    [Fact]
    public async Task A_name_looked_at_by_a_failed_work_is_looked_at_again_after_another_replica_registers_a_wait()
    {
        await using var other = new PostgresStore(_connection, NullLogger<PostgresStore>.Instance);
        await other.InitializeAsync(default);
        // Hold the writer so that the next two works share one transaction.
        using var gate = new ManualResetEventSlim();
        var held = _store.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(20)));
        // The first finds no waits on the name (its lock taken) and stores an event, then fails: both are undone,
        // the lock with them.
        var failed = _store.WriteAsync<int>(tx =>
        {
            Ingest(tx, "undone");
            throw new InvalidOperationException("refused");
        });
        // Meanwhile another replica registers a wait on the name (it needs the lock), and then the second work looks.
        var kept = _store.WriteAsync(tx =>
        {
            var registered = other.WriteAsync(t =>
            {
                t.InsertWait(new WaitRecord("w2", "r2", "h", WaitKind.Event, "batch/ev", null, null, t.Now + 60_000, t.Now));
                return 0;
            }).Wait(TimeSpan.FromSeconds(20));
            return (registered, Waits: tx.WaitsForEvent("batch/ev").Select(w => w.Id).ToList());
        });
        gate.Set();
        Assert.True(await held);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        var (registered, waits) = await kept;
        Assert.True(registered, "the other replica could not take the name's lock: the failed work's lock was kept");
        Assert.Equal(["w2"], waits);
        Assert.Null(await _store.Reader.GetEventAsync("undone", default));
    }

    [Fact]
    public async Task A_batch_of_ids_is_claimed_in_one_statement_and_a_repeat_is_a_duplicate()
    {
        await _store.WriteAsync(tx => tx.ClaimEventId("seen", tx.Now - 1000));
        Interlocked.Exchange(ref _trips, 0);
        var claims = await _store.WriteAsync(tx => tx.ClaimEventIds(["a", "seen", "b", "a"], tx.Now - 1000));

        Assert.Equal([true, false, true, false], claims);
        Assert.Equal(3, Interlocked.Read(ref _trips)); // the claim (with the SAVEPOINT), the RELEASE, the COMMIT
        Assert.Equal([false, true], await _store.WriteAsync(tx => tx.ClaimEventIds(["b", "c"], tx.Now - 1000)));
    }

    private static RunRecord Run(string id) =>
        new(id, "app-fn", "app", "e1", 1, RunStatus.Queued, 1, null, null, null, null, -1, false, [], null, null);

    /// <summary>Holds the writer while <paramref name="works"/> are queued, so they share one transaction.</summary>
    private async Task<Task<long>[]> InOneTransactionAsync(params Func<IStoreTransaction, long>[] works)
    {
        using var gate = new ManualResetEventSlim();
        var held = _store.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(20)));
        var queued = works.Select(w => _store.WriteAsync(w)).ToArray();
        Interlocked.Exchange(ref _trips, 0);
        gate.Set();
        Assert.True(await held);
        await Task.WhenAll(queued.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return queued;
    }

    [Fact]
    public async Task Concurrent_single_event_works_share_their_round_trips()
    {
        // Warm up: the seq block learns a transaction's size and the statements are prepared.
        await InOneTransactionAsync([.. Enumerable.Range(0, 32).Select(i => (Func<IStoreTransaction, long>)(tx => Ingest(tx, $"warm{i}")))]);
        var works = await InOneTransactionAsync([.. Enumerable.Range(0, 32).Select(i => (Func<IStoreTransaction, long>)(tx => Ingest(tx, $"one{i}")))]);

        // 32 requests of one event each: the gate's own RELEASE, the seqs (with the first SAVEPOINT), the waits
        // lookup once, and the COMMIT carrying every work's rows and RELEASE. Each work's RELEASE sent at once
        // would be 32 round trips more.
        Assert.InRange(Interlocked.Read(ref _trips), 1, 6);
        var seqs = (await Task.WhenAll(works)).ToList();
        Assert.Equal(32, seqs.Distinct().Count());
        foreach (var i in new[] { 0, 17, 31 })
        {
            Assert.Equal($"one{i}", (await _store.Reader.GetEventBySeqAsync(seqs[i], default))!.Id);
            Assert.Equal($"one{i}", (await _store.Reader.DecisionsForEventAsync(seqs[i], default)).Single().EventId);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_work_whose_deferred_write_fails_fails_alone_and_the_works_around_it_are_kept(int bad)
    {
        await _store.WriteAsync(tx => { tx.InsertRun(Run("taken")); return 0; });
        // Three works in one transaction; one inserts a run whose id is taken, which fails only when its deferred
        // insert reaches PostgreSQL, in a round trip that also carries the others' writes.
        var works = await InOneTransactionAsync([.. Enumerable.Range(0, 3).Select(i => (Func<IStoreTransaction, long>)(tx =>
        {
            var seq = tx.InsertEvent(Event($"w{i}", tx.Now));
            tx.InsertRun(Run(i == bad ? "taken" : $"run{i}"));
            return seq;
        }))]);

        for (var i = 0; i < 3; i++)
        {
            if (i == bad)
            {
                var error = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => works[i]);
                Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, error.SqlState);
                Assert.Null(await _store.Reader.GetEventAsync($"w{i}", default));
                continue;
            }
            Assert.True(works[i].IsCompletedSuccessfully, $"work {i} failed with work {bad}: {works[i].Exception?.InnerException?.Message}");
            Assert.Equal($"w{i}", (await _store.Reader.GetEventBySeqAsync(await works[i], default))!.Id);
            Assert.NotNull(await _store.Reader.GetRunAsync($"run{i}", default));
        }
    }

    [Fact]
    public async Task A_work_that_failed_on_its_own_is_not_run_again_when_its_batch_is()
    {
        await _store.WriteAsync(tx => { tx.InsertRun(Run("taken")); return 0; });
        var thrown = 0;
        var works = await InOneTransactionAsync(
            tx => tx.InsertEvent(Event("kept", tx.Now)),
            tx =>
            {
                Interlocked.Increment(ref thrown);
                tx.InsertEvent(Event("refused", tx.Now));
                throw new InvalidOperationException("refused");
            },
            // Fails only when its deferred insert reaches PostgreSQL with the first work's writes: the batch runs again.
            tx =>
            {
                tx.InsertRun(Run("taken"));
                return 0;
            });

        await Assert.ThrowsAsync<InvalidOperationException>(() => works[1]);
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => works[2]);
        Assert.Equal("kept", (await _store.Reader.GetEventBySeqAsync(await works[0], default))!.Id);
        Assert.Equal(1, thrown);
        Assert.Null(await _store.Reader.GetEventAsync("refused", default));
    }

    [Fact]
    public async Task A_work_that_throws_after_deferring_writes_drops_only_its_own()
    {
        var works = await InOneTransactionAsync(
            tx => tx.InsertEvent(Event("kept-before", tx.Now)),
            tx =>
            {
                tx.InsertEvent(Event("dropped", tx.Now));
                throw new InvalidOperationException("refused");
            },
            tx => tx.InsertEvent(Event("kept-after", tx.Now)));

        await Assert.ThrowsAsync<InvalidOperationException>(() => works[1]);
        Assert.Equal("kept-before", (await _store.Reader.GetEventBySeqAsync(await works[0], default))!.Id);
        Assert.Equal("kept-after", (await _store.Reader.GetEventBySeqAsync(await works[2], default))!.Id);
        Assert.Null(await _store.Reader.GetEventAsync("dropped", default));
    }
}
