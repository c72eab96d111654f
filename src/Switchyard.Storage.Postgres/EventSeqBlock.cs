namespace Switchyard.Storage.Postgres;

/// <summary>Sequence numbers for the events one writer transaction stores, reserved from <c>events_seq_seq</c> in
/// blocks: the engine needs an event's seq as soon as it is stored (decisions and runs point at it), and reserving
/// them a block at a time lets the event's insert wait for the next round trip instead of costing one of its own.
/// A block is sized after the previous transaction's count and what is left of it is dropped at commit, so seqs stay
/// in the order a replica stored its events and are taken within the transaction's span, as one at a time were.
/// Gaps are harmless: a rolled-back insert left one already.</summary>
internal sealed class EventSeqBlock
{
    private const int Smallest = 16;
    private const int Largest = 4096;
    private long[] _block = [];
    private int _next;
    private int _taken;
    private int _takenBefore = Smallest;

    /// <summary>The next reserved seq; <paramref name="reserve"/> reserves <c>count</c> more when the block is spent.</summary>
    public long Take(Func<int, long[]> reserve)
    {
        if (_next == _block.Length)
        {
            _block = reserve(Math.Clamp(Math.Max(_takenBefore, 2 * _taken), Smallest, Largest));
            _next = 0;
        }
        _taken++;
        return _block[_next++];
    }

    /// <summary>Drops what is left at the end of a transaction and remembers how many it took.</summary>
    public void EndTransaction()
    {
        if (_taken > 0) _takenBefore = _taken;
        _taken = 0;
        _block = [];
        _next = 0;
    }
}
