using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Switchyard.Cli.Output;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;
using Switchyard.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary>The gateway that <c>yard dev --gateway</c> runs in the dev server's process, pointed at that server.</summary>
public static class DevGateway
{
    /// <summary>The configuration read when <c>--gateway-config</c> is not given (optional: without it, no channels).</summary>
    public const string DefaultFile = "gateway.toml";

    /// <summary>The channel a dev gateway without configured channels delivers to: this console.</summary>
    public const string ConsoleChannelName = "console";

    /// <summary>Builds and starts the gateway. Its bus is <paramref name="serverUrl"/>; its keys default to the server's,
    /// so a dev gateway needs no configuration at all.</summary>
    /// <param name="server">The dev server's options.</param>
    /// <param name="serverUrl">Where the dev server listens.</param>
    /// <param name="file">The gateway configuration, or null for <see cref="DefaultFile"/> when present.</param>
    /// <param name="port">The port, or null for the configuration's (default 3018); 0 = any free port.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<(WebApplication? App, string? Url, CliException? Error)> StartAsync(ServerOptions server, Uri serverUrl, string? file, int? port, CancellationToken ct)
    {
        GatewayConfig config;
        try
        {
            config = GatewayConfigLoader.Load(file ?? DefaultFile, required: file is not null);
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            return (null, null, new CliException("invalid_gateway_config", ex.Message, $"fix {file ?? DefaultFile} or pass --gateway-config FILE"));
        }
        // Without any channel, every notification would fail with "no channel to deliver to": in dev mode they go to
        // a console channel (one line each on this process's stderr) instead, and the banner says so.
        if (config.Channels.Count == 0) config = config with { Channels = [new ChannelConfig { Name = ConsoleChannelName, Type = "console" }] };
        config = config with
        {
            ServerUrl = serverUrl,
            Port = port ?? config.Port,
            ApiToken = config.ApiToken ?? NullIfEmpty(server.ApiToken),
            SigningKey = config.SigningKey ?? NullIfEmpty(server.SigningKey),
            EventKey = config.EventKey ?? server.EventKeyList.FirstOrDefault(),
            Dev = server.Dev,
        };
        WebApplication app;
        try
        {
            app = GatewayApp.Build(config);
        }
        catch (InvalidDataException ex)
        {
            return (null, null, new CliException("invalid_gateway_config", ex.Message, $"fix {file ?? DefaultFile}"));
        }
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            return (null, null, new CliException("port_in_use", $"gateway port {config.Port} on {config.Host} is already in use",
                $"`yard ports {config.Port}` shows who holds it; or pass --gateway-port (0 = any free port)"));
        }
        return (app, GatewayApp.Addresses(app).FirstOrDefault() ?? config.LocalUrl.ToString(), null);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
