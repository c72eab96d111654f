using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Switchyard.Engine.Storage;

/// <summary>One writer thread that takes every pending write, runs them in a single transaction (each inside a
/// savepoint, so one failing caller does not undo the others) and commits once: many small durable writes cost one
/// fsync. Callers are answered only after the commit; post-commit actions run before they are answered. Stores
/// supply the transaction primitives.</summary>
public abstract class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Thread? _thread;

    /// <summary>Creates the writer; call <see cref="StartWriter"/> once the connection is open. Each transaction's
    /// <see cref="IStoreTransaction.Now"/> is read from <paramref name="time"/> (the system clock when null), so engine
    /// tests can move time with a fake clock.</summary>
    protected GroupCommitWriter(ILogger logger, TimeProvider? time = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The clock transactions read.</summary>
    protected TimeProvider Time => _time;

    /// <summary>The transaction view handed to work items.</summary>
    protected abstract IStoreTransaction Transaction { get; }

    /// <summary>Starts a transaction and sets <see cref="IStoreTransaction.Now"/>.</summary>
    protected abstract void Begin(long now);
    /// <summary>Marks a savepoint before one caller's work.</summary>
    protected abstract void Savepoint();
    /// <summary>Keeps the work since the savepoint.</summary>
    protected abstract void Release();
    /// <summary>Undoes the work since the savepoint.</summary>
    protected abstract void RollbackToSavepoint();
    /// <summary>Commits durably.</summary>
    protected abstract void Commit();
    /// <summary>Abandons the transaction after a failed commit.</summary>
    protected abstract void Rollback();
    /// <summary>Actions registered by the committed work, in order.</summary>
    protected abstract IReadOnlyList<Action> Callbacks { get; }
    /// <summary>How many callbacks are registered (to drop those of a failed work).</summary>
    protected abstract int CallbackMark { get; }
    /// <summary>Drops callbacks registered after <paramref name="mark"/>.</summary>
    protected abstract void TruncateCallbacks(int mark);
    /// <summary>True when an exception is a transient conflict worth running the work again (deadlock, serialization).</summary>
    protected virtual bool IsTransient(Exception ex) => false;
    /// <summary>True when an exception means writes of works already released in this transaction were lost with it:
    /// a store that sends a released work's writes with a later round trip (to save one per work) fails them all
    /// when that round trip fails. The batch is then run again in a new transaction, cautiously.</summary>
    protected virtual bool LostReleasedWrites(Exception ex) => false;
    /// <summary>Turns cautious mode on (each work's writes sent before the next work starts) for a batch run again
    /// after <see cref="LostReleasedWrites"/>, and off after it.</summary>
    protected virtual void SetCautious(bool cautious) { }

    /// <summary>Queues work for the next transaction; completes after the commit.</summary>
    protected Task<T> Enqueue<T>(Func<IStoreTransaction, T> work)
    {
        var item = new Work<T>(work);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(GetType().Name, "the store is closed");
        return item.Task;
    }

    /// <summary>Starts the writer thread.</summary>
    protected void StartWriter(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    private void Loop()
    {
        var batch = new List<IWork>(MaxBatch);
        var done = new List<IWork>(MaxBatch);
        while (true)
        {
            if (!_queue.Reader.TryRead(out var first))
            {
                if (!_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                continue;
            }
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            RunBatch(batch, done);
            batch.Clear();
            done.Clear();
        }
    }

    private void RunBatch(List<IWork> batch, List<IWork> done, bool cautious = false)
    {
        try
        {
            Begin(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (Exception ex)
        {
            foreach (var w in batch) w.Fail(ex);
            return;
        }
        foreach (var work in batch)
        {
            for (var attempt = 0; ; attempt++)
            {
                var mark = CallbackMark;
                Savepoint();
                try
                {
                    work.Run(Transaction);
                    // Internal events are ingested by the work that raised them (EventIngest.WriteAsync); one left
                    // over would be committed with another caller's work, or not at all. Fail the work instead.
                    if (Transaction.TakeRaised().Count > 0)
                        throw new InvalidOperationException("a write raised internal events without ingesting them; run it through EventIngest.WriteAsync");
                    Release();
                    done.Add(work);
                    break;
                }
                catch (Exception ex)
                {
                    if (!cautious && LostReleasedWrites(ex))
                    {
                        RunAgain(batch, done, ex);
                        return;
                    }
                    if (!TryUndo(ex))
                    {
                        // The transaction itself is broken (its connection was killed): nothing of this batch can
                        // commit. Fail every work of it and abandon the transaction; the writer thread lives on.
                        Abandon(batch, ex);
                        return;
                    }
                    TruncateCallbacks(mark);
                    // Events raised by the failed work were never ingested; they must not leak into the next work.
                    Transaction.TakeRaised();
                    if (IsTransient(ex) && attempt < 3) continue;
                    work.Fail(ex);
                    break;
                }
            }
        }
        try
        {
            Commit();
        }
        catch (Exception ex) when (!cautious && LostReleasedWrites(ex))
        {
            RunAgain(batch, done, ex);
            return;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "commit failed; {Count} writes rejected", done.Count);
            try { Rollback(); } catch (Exception rollbackError) { _logger.LogDebug(rollbackError, "rollback after a failed commit failed"); }
            foreach (var w in done) w.Fail(ex);
            return;
        }
        foreach (var callback in Callbacks)
        {
            try { callback(); }
            catch (Exception ex) { _logger.LogError(ex, "post-commit action failed"); }
        }
        foreach (var w in done) w.Complete();
    }

    /// <summary>Rolls the failed work back to its savepoint; false when even that fails.</summary>
    private bool TryUndo(Exception cause)
    {
        try
        {
            RollbackToSavepoint();
            Release();
            return true;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "could not roll a failed write back to its savepoint (after: {Cause}); the batch is abandoned", cause.Message);
            return false;
        }
    }

    /// <summary>Abandons the transaction and runs the batch's works again in a new one, cautiously: works that
    /// already failed on their own stay failed (their callers were answered); the rest run from the start.</summary>
    private void RunAgain(List<IWork> batch, List<IWork> done, Exception cause)
    {
        _logger.LogInformation("a round trip carrying released works' writes failed ({Cause}); running the batch of {Count} again, one work at a time", cause.InnerException?.Message ?? cause.Message, batch.Count);
        try { Rollback(); } catch (Exception ex) { _logger.LogDebug(ex, "rollback before running a batch again failed"); }
        TruncateCallbacks(0);
        Transaction.TakeRaised();
        done.Clear();
        var again = batch.Where(w => !w.Settled).ToList();
        SetCautious(true);
        try
        {
            RunBatch(again, done, cautious: true);
        }
        finally
        {
            SetCautious(false);
        }
    }

    private void Abandon(List<IWork> batch, Exception cause)
    {
        try { Rollback(); } catch (Exception ex) { _logger.LogDebug(ex, "rollback of an abandoned batch failed"); }
        TruncateCallbacks(0);
        Transaction.TakeRaised();
        foreach (var w in batch) w.Fail(cause);
    }

    /// <summary>Stops taking work, finishes what is queued and closes.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_thread is not null) await Task.Run(() => _thread.Join());
        GC.SuppressFinalize(this);
    }

    private interface IWork
    {
        void Run(IStoreTransaction tx);
        /// <summary>True once the caller was answered (a work that failed on its own).</summary>
        bool Settled { get; }
        void Complete();
        void Fail(Exception ex);
    }

    private sealed class Work<T>(Func<IStoreTransaction, T> work) : IWork
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _tcs.Task;
        public void Run(IStoreTransaction tx) => _result = work(tx);
        public bool Settled => _tcs.Task.IsCompleted;
        public void Complete() => _tcs.TrySetResult(_result);
        public void Fail(Exception ex) => _tcs.TrySetException(ex);
    }
}
