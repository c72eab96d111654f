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
};
root.Options.Add(CliGlobals.Json);
root.Options.Add(CliGlobals.Server);
root.Options.Add(CliGlobals.Config);
return await root.Parse(args).InvokeAsync();
