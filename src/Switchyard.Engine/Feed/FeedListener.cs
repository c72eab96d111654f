using Switchyard.Client.Models;
using Switchyard.Engine.Insight;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Feed;

/// <summary>Fills the <see cref="LiveFeed"/>: every stored event and every run transition, published once the
/// transaction that made it commits (a rolled-back change is never shown). Builds the same records the REST API
/// answers with.</summary>
public sealed class FeedListener(LiveFeed feed) : IRunListener, IEventListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        // No subscriber, no work: the common case on a busy server nobody watches.
        if (feed.SubscriberCount == 0) return;
        var item = new FeedItem(FeedItemKind.Run, entry.At, null, ApiViews.Run(run), entry.Kind.ToWire(), entry.StepName, null);
        tx.OnCommitted(() => feed.Publish(item));
    }

    /// <inheritdoc />
    public void OnStored(IStoreTransaction tx, StoredEvent stored)
    {
        if (feed.SubscriberCount == 0) return;
        var item = new FeedItem(FeedItemKind.Event, stored.ReceivedAt, ApiViews.Event(stored), null, null, null, null);
        tx.OnCommitted(() => feed.Publish(item));
    }
}
