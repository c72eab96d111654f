using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Stream;

/// <summary><c>GET /stream</c> (WebSocket). Query: <c>topic</c> (repeatable, or comma-separated) and <c>session</c>
/// (registers the client as that interactive session and subscribes it to <c>session:&lt;id&gt;</c>). The server
/// first sends <c>{type:"ready"}</c>; the client may then send <c>{"op":"subscribe"|"unsubscribe","topics":[…]}</c>
/// or <c>{"op":"ping"}</c>, each answered with a <c>subscribed</c> (or <c>pong</c>/<c>error</c>) message.</summary>
internal sealed class StreamEndpoint(StreamHub hub, GatewayConfig config, TimeProvider time, ILogger<StreamEndpoint> logger)
{
    /// <summary>The largest client message; a bigger one closes the stream (MessageTooBig).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The most subscriptions one client may hold.</summary>
    public const int MaxTopics = 100;

    public async Task HandleAsync(HttpContext http)
    {
        if (!hub.TryReserve(config.MaxStreamClients))
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "10";
            await http.Response.WriteAsJsonAsync(new { error = new { code = "too_many_stream_clients", message = $"the stream already serves {config.MaxStreamClients} clients (gateway.max_stream_clients): try again later or raise the limit" } });
            return;
        }
        try
        {
            await ServeAsync(http);
        }
        finally
        {
            hub.Release();
        }
    }

    private async Task ServeAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { code = "websocket_required", message = "GET /stream is a WebSocket endpoint: connect with ws://…/stream?topic=…" } });
            return;
        }
        var topics = http.Request.Query["topic"].SelectMany(t => (t ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var session = http.Request.Query["session"].ToString() is { Length: > 0 } s ? s : null;
        if (session is not null) topics.Add("session:" + session);
        if ((topics.Count > MaxTopics ? $"at most {MaxTopics} topics per client" : topics.Select(StreamTopics.Problem).FirstOrDefault(p => p is not null)) is { } bad)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { code = "invalid_topic", message = bad } });
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var client = new StreamClient(socket, session, time.GetUtcNow().ToUnixTimeMilliseconds());
        client.Subscribe(topics);
        await hub.AddAsync(client, http.RequestAborted);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var sending = client.SendLoopAsync(stop.Token);
        client.Enqueue(Message("ready", new JsonObject { ["client"] = client.Id.ToString(), ["session"] = session, ["topics"] = Array(client.Subscriptions) }));
        (WebSocketCloseStatus Status, string Reason) close = (WebSocketCloseStatus.NormalClosure, "bye");
        try
        {
            close = await ReceiveLoopAsync(socket, client, stop.Token) ?? close;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            logger.LogDebug("stream client {Client} dropped: {Error}", client.Id, ex.Message);
        }
        finally
        {
            await hub.RemoveAsync(client);
            await stop.CancelAsync();
            try { await sending; }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try { await socket.CloseAsync(close.Status, close.Reason, CancellationToken.None); }
                catch (WebSocketException) { }
            }
        }
    }

    /// <summary>Answers the client's messages until it closes (null) or sends one too big to read (the close to send).</summary>
    private async Task<(WebSocketCloseStatus, string)?> ReceiveLoopAsync(WebSocket socket, StreamClient client, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes)
                    return (WebSocketCloseStatus.MessageTooBig, $"a stream message may be at most 64 KiB");
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                client.Enqueue(Error("binary frames are not accepted: send JSON text such as {\"op\":\"ping\"}"));
                continue;
            }
            // Text frames arrive as valid UTF-8: the WebSocket itself closes with InvalidPayloadData otherwise.
            client.Enqueue(Handle(client, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)));
        }
        return null;
    }

    private string Handle(StreamClient client, string text)
    {
        JsonNode? request;
        try { request = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException) { return Error("not JSON (or a duplicate key, or nested too deep): send {\"op\":\"subscribe\",\"topics\":[…]}"); }
        if (request is not JsonObject body) return Error("a message must be a JSON object: {\"op\":\"subscribe\"|\"unsubscribe\"|\"ping\", \"topics\":[…]}");
        if (body["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var op))
            return Error("op must be a string: subscribe, unsubscribe or ping");
        switch (op)
        {
            case "ping":
                return Message("pong", new JsonObject());
            case "subscribe" or "unsubscribe":
                if (body["topics"] is not JsonArray list) return Error("topics must be an array of strings, e.g. [\"events:orders/\"]");
                var topics = new List<string>(list.Count);
                foreach (var item in list)
                {
                    if (item is not JsonValue v || !v.TryGetValue<string>(out var topic)) return Error("topics must be an array of strings, e.g. [\"events:orders/\"]");
                    if (StreamTopics.Problem(topic) is { } problem) return Error(problem);
                    topics.Add(topic);
                }
                if (op == "subscribe" && client.Subscriptions.Union(topics).Count() > MaxTopics) return Error($"at most {MaxTopics} topics per client: unsubscribe some first");
                if (op == "subscribe") client.Subscribe(topics);
                else client.Unsubscribe(topics);
                return Message("subscribed", new JsonObject { ["topics"] = Array(client.Subscriptions) });
            default:
                return Error($"unknown op '{op}': use subscribe, unsubscribe or ping");
        }
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)i).ToArray());

    private string Error(string message) => Message("error", new JsonObject { ["message"] = message });

    private string Message(string type, JsonObject data) =>
        JsonSerializer.Serialize(new StreamMessage(type, "client", time.GetUtcNow().ToUnixTimeMilliseconds(), data), JsonSerializerOptions.Web);
}
