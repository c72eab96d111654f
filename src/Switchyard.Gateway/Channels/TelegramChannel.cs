using System.Globalization;
using System.Net;
using Switchyard.Gateway.Configuration;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Switchyard.Gateway.Channels;

/// <summary>Telegram through the Bot API (Telegram.Bot, with the channel's <c>api_base_url</c>): <c>sendMessage</c>
/// with inline buttons whose <c>callback_data</c> comes back as <c>gateway/action.received</c>. Inbound messages are
/// read by <see cref="Inbound.TelegramPoller"/>.</summary>
public sealed class TelegramChannel : IChannel, IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private readonly TelegramBotClient _client;
    private readonly HttpClient _http;

    /// <summary>Creates the channel.</summary>
    public TelegramChannel(ChannelConfig config)
    {
        Config = config;
        (_client, _http) = TelegramClientFactory.Create(config, SendTimeout);
    }

    /// <inheritdoc />
    public string Name => Config.Name;

    /// <inheritdoc />
    public ChannelConfig Config { get; }

    /// <inheritdoc />
    public ChannelHealth Health { get; } = new();

    /// <inheritdoc />
    public async Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var chat = message.ChatId ?? Config.ChatId ?? throw new ChannelSendException($"channel {Name} has no chat_id and the message names no chat", false);
        var markup = message.Actions.Count == 0 ? null
            : new InlineKeyboardMarkup(message.Actions.Select(a => InlineKeyboardButton.WithCallbackData(a.Label, a.Data)));
        ReplyParameters? reply = int.TryParse(message.ReplyToMessageId, CultureInfo.InvariantCulture, out var replyTo)
            ? new ReplyParameters { MessageId = replyTo, AllowSendingWithoutReply = true }
            : null;
        try
        {
            var sent = await _client.SendMessage(ChatOf(chat), message.Text, replyParameters: reply, replyMarkup: markup, cancellationToken: cancellationToken);
            return new ChannelReceipt("telegram", sent.MessageId.ToString(CultureInfo.InvariantCulture), sent.Chat.Id.ToString(CultureInfo.InvariantCulture));
        }
        catch (ApiRequestException ex)
        {
            // 429 and 5xx pass; other 4xx (unknown chat, bot blocked, bad token) will answer the same next time.
            var retryable = ex.ErrorCode is 429 or >= 500;
            throw new ChannelSendException($"telegram sendMessage failed ({ex.ErrorCode}): {ex.Message}", retryable, ex);
        }
        catch (RequestException ex)
        {
            throw new ChannelSendException($"telegram sendMessage failed: {ex.Message}", ex.HttpStatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.NotFound), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException($"telegram unreachable: {ex.Message}", true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException("telegram sendMessage timed out", true, ex);
        }
    }

    /// <summary>A numeric chat id, or an <c>@channelusername</c>.</summary>
    internal static ChatId ChatOf(string chat) =>
        long.TryParse(chat, CultureInfo.InvariantCulture, out var id) ? new ChatId(id) : new ChatId(chat);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
