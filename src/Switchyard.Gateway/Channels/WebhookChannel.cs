using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>A signed JSON POST to any URL (see <see cref="WebhookSignature"/>). The receiver names the message it
/// created with an <c>id</c> (or <c>messageId</c>) in its JSON answer or an <c>X-Message-Id</c> header; an answer
/// without one is accepted but does not confirm the delivery.</summary>
public sealed class WebhookChannel(ChannelConfig config, HttpClient http, TimeProvider time) : IChannel
{
    /// <inheritdoc />
    public string Name => Config.Name;

    /// <inheritdoc />
    public ChannelConfig Config { get; } = config;

    /// <inheritdoc />
    public ChannelHealth Health { get; } = new();

    /// <inheritdoc />
    public async Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            channel = Name, kind = message.Kind, text = message.Text, correlationId = message.CorrelationId,
            actions = message.Actions, chatId = message.ChatId, replyTo = message.ReplyToMessageId,
            sentAt = now.ToUnixTimeMilliseconds(),
        }, JsonSerializerOptions.Web);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, Config.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(Config.Secret!, timestamp, body));
        request.Headers.Add("X-Switchyard-Delivery", message.CorrelationId);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ChannelSendException($"webhook {Config.Url!.Host} answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}",
                    response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500);
            string? id = response.Headers.TryGetValues("X-Message-Id", out var values) ? values.FirstOrDefault() : null;
            if (id is null && text.Length > 0)
            {
                try
                {
                    var json = JsonNode.Parse(text);
                    id = (json?["id"] ?? json?["messageId"])?.ToString();
                }
                catch (JsonException)
                {
                    // A plain-text answer names no message.
                }
            }
            return new ChannelReceipt("webhook", string.IsNullOrEmpty(id) ? null : id, message.ChatId);
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException($"webhook {Config.Url!.Host} unreachable: {ex.Message}", true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"webhook {Config.Url!.Host} timed out", true, ex);
        }
    }
}
