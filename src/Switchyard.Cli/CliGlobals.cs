using System.CommandLine;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;
using Switchyard.Configuration;
using Switchyard.Client;

namespace Switchyard.Cli;

/// <summary>Options every command takes, and the plumbing every client command shares: configuration, output
/// mode, the client, and turning failures into one-line errors with a fix.</summary>
internal static class CliGlobals
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON envelope (default when stdout is not a terminal)", Recursive = true };
    public static readonly Option<string?> Server = new("--server") { Description = "Server URL (default http://127.0.0.1:8288, or SWITCHYARD_SERVER_URL)", Recursive = true };
    public static readonly Option<string?> Config = new("--config") { Description = "Configuration file (default ./yard.toml, or SWITCHYARD_CONFIG)", Recursive = true };

    public static CommandOutput Output(ParseResult pr) => new(pr.GetValue(Json) || Console.IsOutputRedirected);

    public static SwitchyardConfiguration LoadConfiguration(ParseResult pr, IReadOnlyDictionary<string, string?>? flags = null)
    {
        var all = new Dictionary<string, string?>(flags ?? new Dictionary<string, string?>());
        if (pr.GetValue(Server) is { } server) all["ServerUrl"] = server;
        return SwitchyardConfiguration.Load(all, pr.GetValue(Config));
    }

    /// <summary>The server's client for <paramref name="config"/>: REST with the API token, sends with the first event
    /// key, telemetry with the telemetry token (else the API token).</summary>
    public static SwitchyardClient Client(Switchyard.Configuration.ServerOptions config) => new(new SwitchyardClientOptions
    {
        ServerUrl = config.ClientUrl,
        ApiToken = string.IsNullOrEmpty(config.ApiToken) ? null : config.ApiToken,
        TelemetryToken = string.IsNullOrEmpty(config.TelemetryToken) ? null : config.TelemetryToken,
        EventKey = config.EventKeyList.FirstOrDefault() ?? "yard-cli",
        Timeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>Runs a command that talks to the server.</summary>
    public static async Task<int> WithClientAsync(ParseResult pr, string command, Func<SwitchyardClient, CommandOutput, Task<int>> body)
    {
        var output = Output(pr);
        Uri? server = null;
        try
        {
            var config = LoadConfiguration(pr).Options;
            using var client = Client(config);
            server = client.ServerUrl;
            return await body(client, output);
        }
        catch (CliException error)
        {
            return output.Failure(command, error);
        }
        catch (Exception error) when (server is not null && ServerFailures.ToCli(error, server, CancellationToken.None) is { } cli)
        {
            return output.Failure(command, cli);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(command, new CliException("invalid_config", ex.Message, "fix the value in yard.toml or the SWITCHYARD_* variable, then `yard config`"));
        }
    }
}
