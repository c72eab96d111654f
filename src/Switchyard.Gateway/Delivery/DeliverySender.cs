using System.Text.Json;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.State;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Delivery;

/// <summary>Sends a planned notification to one channel, inside a durable step. A platform message id already
/// recorded for this correlation id and channel is returned instead of sending again, so a step retried after the
/// platform accepted the message (the gateway died before the step's result was stored) does not post twice.</summary>
public sealed class DeliverySender(ChannelDirectory channels, IGatewayState state, TimeProvider time)
{
    private static readonly TimeSpan DedupeWindow = TimeSpan.FromHours(24);

    /// <summary>Sends; throws so the server retries a retryable failure, <see cref="NonRetriableException"/> otherwise.</summary>
    public async Task<DeliveryOutcome> SendAsync(DeliveryPlan plan, DeliveryTarget target, CancellationToken cancellationToken)
    {
        var channel = channels.Find(target.Channel) ?? throw new NonRetriableException($"no channel '{target.Channel}' is configured");
        var key = $"{plan.CorrelationId}:{channel.Name}";
        if (await state.GetDeliveredAsync(key, cancellationToken) is { } recorded
            && JsonSerializer.Deserialize<DeliveryOutcome>(recorded, JsonSerializerOptions.Web) is { } earlier)
            return earlier;
        // A mute that arrived after routing still holds the message back.
        if ((await state.MutesAsync(cancellationToken)).TryGetValue(channel.Name, out var mute))
            return new DeliveryOutcome(channel.Name, channel.Config.Type, "muted", null, target.ChatId, $"muted: {mute.Reason}", Now);
        ChannelReceipt receipt;
        try
        {
            receipt = await channel.SendAsync(new OutboundMessage(plan.Text, plan.Kind, plan.CorrelationId, plan.Actions, target.ChatId, target.ReplyToMessageId), cancellationToken);
        }
        catch (ChannelSendException ex)
        {
            channel.Health.SendFailed(ex.Message, Now);
            if (!ex.Retryable) throw new NonRetriableException(ex.Message);
            throw;
        }
        channel.Health.Sent(Now);
        var outcome = new DeliveryOutcome(channel.Name, receipt.Platform, receipt.MessageId is null ? "unconfirmed" : "sent", receipt.MessageId,
            receipt.ChatId ?? target.ChatId ?? channel.Config.ChatId, receipt.MessageId is null ? "the platform accepted the message without a message id" : null, Now);
        if (outcome.Confirmed) await state.RecordDeliveredAsync(key, JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web), DedupeWindow, cancellationToken);
        return outcome;
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
