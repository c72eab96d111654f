using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>A place notifications go: one chat platform account (or a file, or the console).</summary>
public interface IChannel
{
    /// <summary>The configured name.</summary>
    string Name { get; }

    /// <summary>The channel's configuration.</summary>
    ChannelConfig Config { get; }

    /// <summary>Counters and the last error, shared with the channel's poller.</summary>
    ChannelHealth Health { get; }

    /// <summary>Sends one message.</summary>
    /// <exception cref="ChannelSendException">The platform refused it or could not be reached.</exception>
    Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}
