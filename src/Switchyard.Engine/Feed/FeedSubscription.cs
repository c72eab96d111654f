using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Switchyard.Client.Models;

namespace Switchyard.Engine.Feed;

/// <summary>One subscriber of the <see cref="LiveFeed"/>: a bounded buffer that drops its oldest item when full, and
/// reports the loss as a <see cref="FeedItemKind.Gap"/> item before the next item it yields.</summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly FeedFilter _filter;
    private readonly Channel<FeedItem> _channel;
    private readonly Action _unsubscribe;
    private long _dropped;

    internal FeedSubscription(FeedFilter filter, int capacity, Action unsubscribe)
    {
        _filter = filter;
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<FeedItem>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Items dropped so far because the subscriber fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(FeedItem item)
    {
        if (_filter.Matches(item)) _channel.Writer.TryWrite(item);
    }

    /// <summary>The items as they come, each preceded by a gap item when some were dropped since the last one read.</summary>
    public async IAsyncEnumerable<FeedItem> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long reported = 0;
        await foreach (var item in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            var dropped = Dropped;
            if (dropped > reported)
            {
                yield return new FeedItem(FeedItemKind.Gap, item.At, null, null, null, null, dropped - reported);
                reported = dropped;
            }
            yield return item;
        }
    }

    /// <summary>Stops receiving.</summary>
    public void Dispose()
    {
        _unsubscribe();
        _channel.Writer.TryComplete();
    }
}
