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
        // Subscribers are counted at commit, not now: one who subscribes while this transaction runs must get the change
        // (it reads the lists after subscribing, and they do not show it yet). With no subscriber, no item is built.
        tx.OnCommitted(() =>
        {
            if (feed.SubscriberCount > 0)
                feed.Publish(new FeedItem(FeedItemKind.Run, entry.At, null, ApiViews.Run(run), entry.Kind.ToWire(), entry.StepName, null));
        });
    }

    /// <inheritdoc />
    public void OnStored(IStoreTransaction tx, StoredEvent stored)
    {
        tx.OnCommitted(() =>
        {
            if (feed.SubscriberCount > 0)
                feed.Publish(new FeedItem(FeedItemKind.Event, stored.ReceivedAt, ApiViews.Event(stored), null, null, null, null));
        });
    }
}
