using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>The configured channels by name, built once from the configuration.</summary>
public sealed class ChannelDirectory : IDisposable
{
    private readonly Dictionary<string, IChannel> _byName = new(StringComparer.Ordinal);

    /// <summary>Builds every channel of <paramref name="config"/>; <paramref name="time"/> stamps what they send.</summary>
    public ChannelDirectory(GatewayConfig config, IHttpClientFactory http, TimeProvider time)
    {
        foreach (var c in config.Channels)
        {
            _byName[c.Name] = c.Type switch
            {
                "telegram" => new TelegramChannel(c),
                "slack" => new SlackChannel(c, http.CreateClient("gateway-" + c.Name)),
                "discord" => new DiscordChannel(c, http.CreateClient("gateway-" + c.Name)),
                "webhook" => new WebhookChannel(c, http.CreateClient("gateway-" + c.Name), time),
                "console" or "file" => new ConsoleChannel(c, config.StateDir, time),
                _ => throw new InvalidDataException($"channels.{c.Name}: unknown type '{c.Type}'"),
            };
        }
    }

    /// <summary>Every channel, in configuration order.</summary>
    public IEnumerable<IChannel> All => _byName.Values;

    /// <summary>The channel called <paramref name="name"/>, or null.</summary>
    public IChannel? Find(string name) => _byName.GetValueOrDefault(name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var c in _byName.Values.OfType<IDisposable>()) c.Dispose();
    }
}
