using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A WebSocket client of the gateway's <c>/stream</c> that collects every message.</summary>
public sealed class StreamListener : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private bool _disposed;

    public static async Task<StreamListener> ConnectAsync(GatewayHost gateway, string query, string? token = null)
    {
        var listener = new StreamListener();
        if (token is not null) listener._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var url = new UriBuilder(gateway.Url) { Scheme = "ws", Path = "/stream", Query = query }.Uri;
        await listener._socket.ConnectAsync(url, CancellationToken.None);
        listener._reading = listener.ReadAsync();
        var ready = await listener.NextAsync(m => m["type"]!.GetValue<string>() == "ready");
        Assert.NotNull(ready["data"]!["client"]);
        return listener;
    }

    public async Task SendAsync(string json) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends <paramref name="bytes"/> as one frame of <paramref name="type"/>, as-is (invalid UTF-8 too).</summary>
    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        await _socket.SendAsync(bytes, type, true, CancellationToken.None);

    /// <summary>Completes when the gateway has closed the stream (or it dropped).</summary>
    public Task Closed => _reading;

    /// <summary>The close status and reason the gateway sent, once <see cref="Closed"/>.</summary>
    public (WebSocketCloseStatus? Status, string? Reason) Close => (_socket.CloseStatus, _socket.CloseStatusDescription);

    /// <summary>The next message (skipping others) that matches, within the timeout.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var m = await _messages.Reader.ReadAsync(cts.Token);
            if (match(m)) return m;
        }
    }

    /// <summary>Every message received so far and not yet read.</summary>
    public List<JsonObject> Drain()
    {
        var list = new List<JsonObject>();
        while (_messages.Reader.TryRead(out var m)) list.Add(m);
        return list;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                await _messages.Writer.WriteAsync(JsonNode.Parse(message.ToArray())!.AsObject());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        await _stop.CancelAsync();
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
    }
}
