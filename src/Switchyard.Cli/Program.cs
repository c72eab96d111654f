using System.CommandLine;
using Switchyard.Cli;
using Switchyard.Cli.Commands;

var root = new RootCommand("yard — run and operate Switchyard, the self-hosted event bus with durable functions")
{
    ServeCommands.Dev(),
    ServeCommands.Server(),
    WorkerCommands.Build(),
    EventCommands.Send(),
    EventCommands.List(),
    EventCommands.Show(),
    RegistryCommands.Apps(),
    RegistryCommands.Functions(),
    RegistryCommands.Sync(),
    RegistryCommands.Pause(),
    RegistryCommands.Resume(),
    CronCommands.Build(),
    DagCommands.Dag(),
    DagCommands.Pipeline(),
    RunCommands.Replay(),
    RunCommands.Invoke(),
    RunCommands.List(),
    RunCommands.Show(),
    RunCommands.Cancel(),
    InsightCommands.Why(),
    InsightCommands.Trace(),
    InsightCommands.Status(),
    TopologyCommand.Build(),
    ConfigCommand.Build(),
    WebhookCommands.Build(),
    OtelCommands.Build(),
    PortsCommand.Build(),
    SuperviseCommands.Build(),
    GatewayCommands.Build(),
    NotifyCommands.Build(),
    QueueCommands.Build(),
    GcCommand.Build(),
    BackupCommands.Backup(),
    BackupCommands.Restore(),
};
root.Options.Add(CliGlobals.Json);
root.Options.Add(CliGlobals.Server);
root.Options.Add(CliGlobals.Config);
var parsed = root.Parse(args);
var output = CliGlobals.Output(parsed);
if (parsed.Errors.Count > 0 && output.Json)
{
    // A usage error (unknown option, missing argument) is an envelope like every other failure when the caller reads
    // JSON; System.CommandLine's default would print help text, which a script cannot parse.
    var path = new List<string>();
    for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        if (r.Command != root) path.Insert(0, r.Command.Name);
    var command = path.Count == 0 ? "yard" : string.Join(' ', path);
    var help = path.Count == 0 ? "yard --help" : $"yard {command} --help";
    return output.Failure(command, new Switchyard.Cli.Output.CliException("usage", string.Join("; ", parsed.Errors.Select(e => e.Message)), $"see {help}"),
        new Switchyard.Cli.Output.NextAction(help, "the command's arguments and options"));
}
return await parsed.InvokeAsync();
