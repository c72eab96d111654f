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
}
