using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Stream;

/// <summary><c>GET /stream</c> (WebSocket). Query: <c>topic</c> (repeatable, or comma-separated) and <c>session</c>
/// (registers the client as that interactive session and subscribes it to <c>session:&lt;id&gt;</c>). The server
/// first sends <c>{type:"ready"}</c>; the client may then send <c>{"op":"subscribe"|"unsubscribe","topics":[…]}</c>
/// or <c>{"op":"ping"}</c>, each answered with a <c>subscribed</c> (or <c>pong</c>/<c>error</c>) message.</summary>
internal sealed class StreamEndpoint(StreamHub hub, ILogger<StreamEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
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
        if (topics.FirstOrDefault(t => StreamTopics.Problem(t) is not null) is { } bad)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { code = "invalid_topic", message = StreamTopics.Problem(bad) } });
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var client = new StreamClient(socket, session);
        client.Subscribe(topics);
        await hub.AddAsync(client, http.RequestAborted);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var sending = client.SendLoopAsync(stop.Token);
        client.Enqueue(Message("ready", new JsonObject { ["client"] = client.Id.ToString(), ["session"] = session, ["topics"] = Array(client.Subscriptions) }));
        try
        {
            await ReceiveLoopAsync(socket, client, stop.Token);
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
                try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None); }
                catch (WebSocketException) { }
            }
        }
    }

    private static async Task ReceiveLoopAsync(WebSocket socket, StreamClient client, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (message.Length > 64 * 1024) return;
            }
            while (!result.EndOfMessage);
            client.Enqueue(Handle(client, Encoding.UTF8.GetString(message.ToArray())));
        }
    }

    private static string Handle(StreamClient client, string text)
    {
        JsonNode? request;
        try { request = JsonNode.Parse(text); }
        catch (JsonException) { return Error("not JSON: send {\"op\":\"subscribe\",\"topics\":[…]}"); }
        var op = request?["op"]?.GetValue<string>();
        var topics = (request?["topics"] as JsonArray)?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? [];
        switch (op)
        {
            case "ping":
                return Message("pong", new JsonObject());
            case "subscribe" or "unsubscribe":
                if (topics.FirstOrDefault(t => StreamTopics.Problem(t) is not null) is { } bad) return Error(StreamTopics.Problem(bad)!);
                if (op == "subscribe") client.Subscribe(topics);
                else client.Unsubscribe(topics);
                return Message("subscribed", new JsonObject { ["topics"] = Array(client.Subscriptions) });
            default:
                return Error($"unknown op '{op}': use subscribe, unsubscribe or ping");
        }
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)i).ToArray());

    private static string Error(string message) => Message("error", new JsonObject { ["message"] = message });

    private static string Message(string type, JsonObject data) =>
        JsonSerializer.Serialize(new StreamMessage(type, "client", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data), JsonSerializerOptions.Web);
}
