using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Delivery;
using Switchyard.Gateway.Hosting;
using Switchyard.Gateway.Stream;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Inbound;

/// <summary>Turns inbound chat into bus events: a message from a user on the channel's allow list becomes
/// <c>gateway/message.received</c>, a button press <c>gateway/action.received</c>, each with an id derived from the
/// platform's update id so a redelivered update is stored once. Anyone else is recorded (telemetry
/// <c>gateway.inbound.rejected</c> and the stream's <c>gateway</c> topic) and dropped. An empty allow list admits no one.</summary>
public sealed class InboundRelay(ChannelDirectory channels, SwitchyardClient bus, GatewayTelemetry telemetry, StreamHub hub, ILogger<InboundRelay> logger)
{
    /// <summary>Relays one message or button press; returns the event id, or null when it was dropped.</summary>
    /// <exception cref="HttpRequestException">The bus did not take the event (the caller retries the update).</exception>
    public async Task<string?> RelayAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var channel = channels.Find(message.Channel);
        var allowed = channel is not null && channel.Config.Allow.Contains(message.UserId, StringComparer.Ordinal);
        var isAction = message.Data is not null;
        var data = new JsonObject
        {
            ["channel"] = message.Channel, ["platform"] = message.Platform, ["updateId"] = message.UpdateId, ["userId"] = message.UserId,
            ["username"] = message.Username, ["chatId"] = message.ChatId, ["messageId"] = message.MessageId,
        };
        if (isAction) data["data"] = message.Data;
        else data["text"] = message.Text;
        if (!allowed)
        {
            logger.LogWarning("dropped {Platform} {Kind} from {User} in chat {Chat}: not on channel {Channel}'s allow list",
                message.Platform, isAction ? "action" : "message", message.UserId, message.ChatId, message.Channel);
            var meta = (JsonObject)data.DeepClone();
            meta.Remove("text");
            await telemetry.TelemetryAsync("warn", message.Channel, "gateway.inbound.rejected", $"user {message.UserId} is not on the allow list of channel {message.Channel}", meta, cancellationToken);
            await hub.GatewayAsync("inbound.rejected", meta, cancellationToken);
            return null;
        }
        data["replyTo"] = new JsonObject { ["channel"] = message.Channel, ["chatId"] = message.ChatId, ["messageId"] = message.MessageId };
        var name = isAction ? DeliveryEvents.ActionReceived : DeliveryEvents.MessageReceived;
        var id = await bus.SendAsync(new Event(name, data) { Id = message.EventId }, cancellationToken);
        await hub.GatewayAsync(isAction ? "action.received" : "message.received", new JsonObject { ["eventId"] = id, ["channel"] = message.Channel, ["userId"] = message.UserId }, cancellationToken);
        return id;
    }
}
