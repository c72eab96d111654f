using System.CommandLine;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;
using Switchyard.Configuration;

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

    /// <summary>Runs a command that talks to the server.</summary>
    public static async Task<int> WithClientAsync(ParseResult pr, string command, Func<YardClient, CommandOutput, Task<int>> body)
    {
        var output = Output(pr);
        try
        {
            var config = LoadConfiguration(pr).Options;
            var key = config.EventKeyList.FirstOrDefault() ?? "yard-cli";
            using var client = new YardClient(config.ClientUrl, string.IsNullOrEmpty(config.ApiToken) ? null : config.ApiToken, key);
            return await body(client, output);
        }
        catch (CliException error)
        {
            return output.Failure(command, error);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(command, new CliException("invalid_config", ex.Message, "fix the value in yard.toml or the SWITCHYARD_* variable, then `yard config`"));
        }
    }
}
