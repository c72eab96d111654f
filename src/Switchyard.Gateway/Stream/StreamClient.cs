using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Switchyard.Gateway.Stream;

/// <summary>One connected WebSocket client: its subscriptions, its session (if it registered one), and a bounded
/// outbox. A client that reads too slowly loses its oldest messages rather than holding up everyone else.</summary>
internal sealed class StreamClient(WebSocket socket, string? session, long connectedAt)
{
    private const int Outbox = 1000;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(Outbox) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public Guid Id { get; } = Guid.NewGuid();

    public string? Session { get; } = session;

    public long ConnectedAt { get; } = connectedAt;

    public IReadOnlyList<string> Subscriptions
    {
        get { lock (_gate) return [.. _subscriptions]; }
    }

    public void Subscribe(IEnumerable<string> topics)
    {
        lock (_gate) _subscriptions.UnionWith(topics);
    }

    public void Unsubscribe(IEnumerable<string> topics)
    {
        lock (_gate) _subscriptions.ExceptWith(topics);
    }

    public bool Wants(string topic)
    {
        lock (_gate) return _subscriptions.Any(s => StreamTopics.Matches(s, topic));
    }

    public void Enqueue(string json) => _outbox.Writer.TryWrite(json);

    public void Complete() => _outbox.Writer.TryComplete();

    /// <summary>Writes queued messages until the outbox completes or the socket closes.</summary>
    public async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var json in _outbox.Reader.ReadAllAsync(cancellationToken))
        {
            if (socket.State != WebSocketState.Open) return;
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);
        }
    }
}
