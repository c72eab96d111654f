using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchyard.Engine.Model;

namespace Switchyard.Server.Webhooks;

/// <summary>Stored webhook events fanned out to live subscription streams in this process, so a stream wakes on a
/// delivery instead of polling the store.</summary>
public sealed class WebhookDeliveryFeed
{
    private readonly ConcurrentDictionary<Channel<StoredEvent>, byte> _listeners = new();

    /// <summary>Where deliveries also go for streams on other replicas (set when Redis is configured).</summary>
    public Action<StoredEvent>? Remote { get; set; }

    /// <summary>True when some stream listens, here or on another replica (otherwise publishing is skipped, with its
    /// store reads).</summary>
    public bool HasListeners => !_listeners.IsEmpty || Remote is not null;

    /// <summary>Starts listening. A slow listener loses its oldest unread events rather than holding memory.</summary>
    public ChannelReader<StoredEvent> Listen()
    {
        var channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _listeners.TryAdd(channel, 0);
        return channel.Reader;
    }

    /// <summary>Stops listening.</summary>
    public void Unlisten(ChannelReader<StoredEvent> reader)
    {
        foreach (var channel in _listeners.Keys)
            if (ReferenceEquals(channel.Reader, reader) && _listeners.TryRemove(channel, out _)) channel.Writer.TryComplete();
    }

    /// <summary>Hands a stored event to every listener, here and on other replicas.</summary>
    public void Publish(StoredEvent stored)
    {
        PublishLocal(stored);
        Remote?.Invoke(stored);
    }

    /// <summary>Hands an event to this process's listeners only (deliveries relayed from other replicas).</summary>
    public void PublishLocal(StoredEvent stored)
    {
        foreach (var channel in _listeners.Keys) channel.Writer.TryWrite(stored);
    }
}
