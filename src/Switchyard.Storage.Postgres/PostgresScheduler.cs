using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Lifecycle;
using static Switchyard.Storage.Postgres.PostgresTransaction;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Queue;

namespace Switchyard.Storage.Postgres;

/// <summary>The scheduler for several replicas on one PostgreSQL: due items are claimed with a lease
/// (<c>FOR UPDATE SKIP LOCKED</c>), so each call happens once per attempt; the lease is renewed while the call runs
/// and expires when a replica dies, and the item is then claimed again as a new attempt. New work wakes every replica
/// through <c>LISTEN/NOTIFY</c>; a poll every <see cref="PollInterval"/> bounds the latency of timers and of a lost
/// notification. Concurrency slots live in the database (<c>concurrency_slots</c>, guarded by advisory locks per key),
/// so limits hold across replicas.</summary>
public sealed class PostgresScheduler(PostgresStore store, Executor executor, WorkQueue queue, RunCompletions completions, ServerOptions options, TimeProvider time, ILogger<PostgresScheduler> logger)
    : BackgroundService, IWorkScheduler
{
    /// <summary>How long a claim lasts without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    /// <summary>Upper bound on how long due work waits for a wake-up.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _replica = Ulid.NewUlid().ToString();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _calls = new(options.MaxConcurrentCalls);
    // Slot decisions hold a connection while they wait on a key's advisory lock; bound them so calls keep connections.
    private readonly SemaphoreSlim _acquisitions = new(8);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly InFlightItems _running = new();
    private readonly Lock _lock = new();

    private NpgsqlDataSource DataSource => store.DataSource;

    /// <inheritdoc />
    public int Backlog { get { lock (_lock) return _inFlight.Count; } }

    /// <summary>Takes a committed item (or one loaded at start).</summary>
    public void Schedule(QueueItem item) => _wake.Release();

    /// <inheritdoc />
    public void Committed(QueueItem item) => Schedule(item);

    /// <inheritdoc />
    public void Wake() => _wake.Release();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From now on every committed item reaches Schedule; what was committed before is loaded below.
        queue.Subscribe(this);
        Switchyard.Engine.Diagnostics.SwitchyardDiagnostics.Meter.CreateObservableGauge("switchyard.queue.depth", () => Backlog, "{item}", "Queue items claimed by this replica");
        _ = ListenAsync(stoppingToken);
        // Leases are renewed until the items in flight are done or cut off, past the stop of claiming (StopAsync).
        _ = RenewLeasesAsync(_running.Aborted);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<(QueueItem Item, string? Flow)> claimed = [];
            try
            {
                var free = Math.Max(0, _calls.CurrentCount);
                if (free > 0) claimed = await ClaimAsync(Math.Min(free, 64), stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or DbException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("claiming queue items failed: {Error}", ex.Message);
            }
            foreach (var (item, flow) in claimed)
            {
                await _calls.WaitAsync(stoppingToken);
                lock (_lock) _inFlight.Add(item.Id);
                // Items run on the in-flight token, not the stopping one: a stop ends claiming at once, but lets
                // running calls finish within shutdown_grace (StopAsync).
                _running.Track(RunAsync(item, flow, _running.Aborted));
            }
            if (claimed.Count == 0)
            {
                try { await _wake.WaitAsync(PollInterval, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Leases up to <paramref name="count"/> due items, each with its run's flow (fixed when the run was
    /// created; read in the same statement, so a call needs no read of its own to know whether it must take slots).</summary>
    private async Task<IReadOnlyList<(QueueItem Item, string? Flow)>> ClaimAsync(int count, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var cmd = DataSource.CreateCommand($"""
            UPDATE queue q SET lease_until = $1, lease_owner = $2,
                attempt = q.attempt + CASE WHEN q.lease_owner IS NOT NULL THEN 1 ELSE 0 END
            FROM (SELECT id FROM queue WHERE due_at <= $3 AND lease_until < $3 AND blocked_on IS NULL
                  ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
            WHERE q.id = due.id
            RETURNING q.{StoreRows.QueueColumns.Replace(", ", ", q.", StringComparison.Ordinal)}, (SELECT r.flow FROM runs r WHERE r.id = q.run_id)
            """);
        // A lease that expired belonged to a replica that died mid-call: the retry counts as a new attempt.
        cmd.Parameters.Add(L(now + (long)Lease.TotalMilliseconds));
        cmd.Parameters.Add(S(_replica));
        cmd.Parameters.Add(L(now));
        cmd.Parameters.Add(I(count));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var items = new List<(QueueItem, string?)>();
        var flow = reader.FieldCount - 1;
        while (await reader.ReadAsync(ct)) items.Add((StoreRows.Queue(reader), reader.IsDBNull(flow) ? null : reader.GetString(flow)));
        return items;
    }

    /// <summary>Stops claiming, then lets the items in flight finish within <see cref="ServerOptions.ShutdownGrace"/>;
    /// calls still running after it are cut off and handed on as new attempts, claimable by the other replicas at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _running.DrainAsync(options.ShutdownGrace, time, logger, cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(QueueItem item, string? flow, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            // A run's concurrency keys are fixed when it is created (its flow), so a run without any never holds a
            // slot, on any replica: its calls skip both the acquisition and the release (a round trip each). Parsed
            // here, so a flow that cannot be read fails this item alone (retried when its lease lapses).
            var slots = item.Kind == QueueItemKind.Call ? RunFlow.FromJson(flow).Concurrency : [];
            if (slots.Count > 0 && !await TryAcquireAsync(item, slots, stoppingToken)) return;
            await executor.ExecuteAsync(item, stoppingToken);
            if (slots.Count > 0) await ReleaseIfParkedAsync(item.RunId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The lease lapses and another replica (or this one after restart) takes the item.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "queue item {Id} failed; it is retried when its lease lapses", item.Id);
        }
        finally
        {
            lock (_lock) _inFlight.Remove(item.Id);
            _calls.Release();
        }
    }

    /// <summary>Takes the run's slots in one transaction (advisory lock per key), or parks the item on the full key.</summary>
    private async Task<bool> TryAcquireAsync(QueueItem item, IReadOnlyList<ConcurrencySlot> slots, CancellationToken ct)
    {
        await _acquisitions.WaitAsync(ct);
        try
        {
            return await AcquireAsync(item, slots, ct);
        }
        finally
        {
            _acquisitions.Release();
        }
    }

    private async Task<bool> AcquireAsync(QueueItem item, IReadOnlyList<ConcurrencySlot> slots, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        ConcurrencySlot? full = null;
        foreach (var slot in slots.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            await ExecAsync(connection, tx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ct, S("slot:" + slot.Key));
            // Holders whose run ended, or that have no call left to make, no longer count (a replica may have died
            // between taking and releasing them).
            await ExecAsync(connection, tx, """
                DELETE FROM concurrency_slots c WHERE c.key = $1 AND c.run_id <> $2 AND NOT EXISTS
                    (SELECT 1 FROM queue q WHERE q.run_id = c.run_id AND q.kind = 'call')
                """, ct, S(slot.Key), S(item.RunId));
            var holders = await ScalarAsync(connection, tx, "SELECT COUNT(*) FROM concurrency_slots WHERE key = $1 AND run_id <> $2", ct, S(slot.Key), S(item.RunId));
            var mine = await ScalarAsync(connection, tx, "SELECT COUNT(*) FROM concurrency_slots WHERE key = $1 AND run_id = $2", ct, S(slot.Key), S(item.RunId));
            if (mine == 0 && holders >= slot.Limit) { full = slot; break; }
            if (mine == 0) await ExecAsync(connection, tx, "INSERT INTO concurrency_slots(key, run_id, acquired_at) VALUES ($1, $2, $3)", ct, S(slot.Key), S(item.RunId), L(now));
        }
        if (full is null)
        {
            await tx.CommitAsync(ct);
            return true;
        }
        await tx.RollbackAsync(ct);
        await using var park = DataSource.CreateCommand("UPDATE queue SET blocked_on = $1, lease_until = 0, lease_owner = NULL WHERE id = $2 AND lease_owner = $3");
        park.Parameters.Add(S(full.Key));
        park.Parameters.Add(S(item.Id));
        park.Parameters.Add(S(_replica));
        await park.ExecuteNonQueryAsync(ct);
        await store.WriteAsync(w =>
        {
            w.AppendHistory(HistoryEntries.Step(w, item.RunId, HistoryKind.ConcurrencyWaiting, null, attempt: item.Attempt, detail:
                RunAdvancer.Detail(new { key = full.Key, limit = full.Limit })));
            return 0;
        }, ct);
        // A holder may have released between our count and the park: look again so the item is not stranded.
        await UnblockIfFreeAsync(full, ct);
        return false;
    }

    /// <summary>Once a run has no call left to make (it ended, sleeps or waits), its slots go to waiting calls.</summary>
    private async Task ReleaseIfParkedAsync(string runId, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            WITH released AS (
                DELETE FROM concurrency_slots c WHERE c.run_id = $1
                  AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.run_id = $1 AND q.kind = 'call')
                RETURNING c.key)
            UPDATE queue SET blocked_on = NULL WHERE id IN (
                SELECT id FROM queue WHERE id IN (
                    SELECT DISTINCT ON (blocked_on) id FROM queue WHERE blocked_on IN (SELECT key FROM released) ORDER BY blocked_on, due_at)
                FOR UPDATE SKIP LOCKED)
            """, connection);
        cmd.Parameters.Add(S(runId));
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) await NotifyAsync(connection, ct);
    }

    private async Task UnblockIfFreeAsync(ConcurrencySlot slot, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            UPDATE queue SET blocked_on = NULL WHERE id IN (
                SELECT id FROM queue WHERE blocked_on = $1 ORDER BY due_at
                LIMIT GREATEST(0, $2 - (SELECT COUNT(*) FROM concurrency_slots WHERE key = $1))
                FOR UPDATE SKIP LOCKED)
            """, connection);
        cmd.Parameters.Add(S(slot.Key));
        cmd.Parameters.Add(I(slot.Limit));
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) await NotifyAsync(connection, ct);
    }

    private async Task RenewLeasesAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Lease / 3);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            string[] ids;
            lock (_lock) ids = _inFlight.ToArray();
            if (ids.Length == 0) continue;
            try
            {
                // SKIP LOCKED: an item whose answer is being applied right now is locked by the writer's batch; renewing
                // it would only wait on that batch, and in the opposite lock order deadlock with it.
                await using var cmd = DataSource.CreateCommand("""
                    UPDATE queue SET lease_until = $1
                    WHERE id IN (SELECT id FROM queue WHERE lease_owner = $2 AND id = ANY($3) ORDER BY id FOR UPDATE SKIP LOCKED)
                    """);
                cmd.Parameters.Add(L(time.GetUtcNow().ToUnixTimeMilliseconds() + (long)Lease.TotalMilliseconds));
                cmd.Parameters.Add(S(_replica));
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = ids });
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (Exception ex) when (ex is NpgsqlException or DbException)
            {
                logger.LogWarning("renewing leases failed: {Error}", ex.Message);
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Its own connection, outside the pool: no connection is reset when it returns to the pool (No Reset On
                // Close), and one left listening would keep receiving every notification.
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync(ct);
                // Queue notifications wake the claim loop; run-end notifications release the callers waiting here for
                // a run another replica finished, which would otherwise see it only at their next re-read.
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == PostgresTransaction.RunEndChannel) completions.Ended(e.Payload);
                    else _wake.Release();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN switchyard_queue; LISTEN {PostgresTransaction.RunEndChannel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or DbException or IOException)
            {
                // Polling keeps work moving while the listener reconnects.
                logger.LogWarning("queue listener lost its connection: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify('switchyard_queue', '')", connection);
        await notify.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params NpgsqlParameter[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var a in args) cmd.Parameters.Add(a);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params NpgsqlParameter[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var a in args) cmd.Parameters.Add(a);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
