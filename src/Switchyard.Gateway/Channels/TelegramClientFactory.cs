using Switchyard.Gateway.Configuration;
using Telegram.Bot;

namespace Switchyard.Gateway.Channels;

/// <summary>Creates Telegram.Bot clients for a channel, pointed at its <c>api_base_url</c> (a private Bot API server,
/// or a stub in tests). Each client gets its own <see cref="HttpClient"/>, so a restarted poller starts from fresh
/// connections.</summary>
internal static class TelegramClientFactory
{
    public static readonly Uri DefaultBaseUrl = new("https://api.telegram.org");

    public static (TelegramBotClient Client, HttpClient Http) Create(ChannelConfig config, TimeSpan timeout)
    {
        var http = new HttpClient { Timeout = timeout };
        var options = new TelegramBotClientOptions(config.Token!, (config.ApiBaseUrl ?? DefaultBaseUrl).AbsoluteUri.TrimEnd('/'));
        return (new TelegramBotClient(options, http), http);
    }

    /// <summary>The bot's id: the part of the token before the colon. Names the poller lease, since one bot may be
    /// configured under different channel names in different gateways.</summary>
    public static string BotId(string token) => token.Split(':')[0];
}
