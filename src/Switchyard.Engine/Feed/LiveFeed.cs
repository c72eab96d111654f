using System.Collections.Concurrent;
using Switchyard.Client.Models;

namespace Switchyard.Engine.Feed;

/// <summary>The in-process feed of new events and run changes (filled by <see cref="FeedListener"/> after each commit)
/// that <c>GET /v1/feed</c> and the dashboard stream to their subscribers. Each subscriber has its own bounded buffer:
/// a slow reader loses its oldest items (and is told how many with a gap item), it never grows memory or slows the
/// engine. Only this process's changes are seen; with replicas, each serves the changes it made.</summary>
public sealed class LiveFeed
{
    /// <summary>Items a subscriber may have pending before the oldest are dropped.</summary>
    public const int DefaultCapacity = 1024;

    private readonly ConcurrentDictionary<FeedSubscription, byte> _subscribers = new();

    /// <summary>How many subscribers are connected.</summary>
    public int SubscriberCount => _subscribers.Count;

    /// <summary>Starts receiving the items that pass <paramref name="filter"/>; dispose the subscription to stop.</summary>
    public FeedSubscription Subscribe(FeedFilter filter, int capacity = DefaultCapacity)
    {
        FeedSubscription? subscription = null;
        subscription = new FeedSubscription(filter, capacity, () => _subscribers.TryRemove(subscription!, out _));
        _subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Hands <paramref name="item"/> to every subscriber whose filter it passes. Never blocks.</summary>
    public void Publish(FeedItem item)
    {
        foreach (var subscriber in _subscribers.Keys) subscriber.Offer(item);
    }
}
