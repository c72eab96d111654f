using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Cli.Topology;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard topology</c>: the wiring map generated from live state.</summary>
internal static class TopologyCommand
{
    public static Command Build()
    {
        var format = new Option<string>("--format") { Description = "text (default), md, json or mermaid", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "md", "json", "mermaid");
        var command = new Command("topology", "The wiring map: components, stores, apps and functions, triggers, sends and invokes") { format };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "topology", async (client, output) =>
        {
            var topology = await client.GetTopologyAsync(ct);
            var fmt = pr.GetValue(format);
            if (fmt is "md" or "mermaid")
            {
                // Documents are written as they are, even when stdout is a file: that is the point of these formats.
                Console.Out.Write(fmt == "md" ? TopologyRenderer.Markdown(topology) : TopologyRenderer.Mermaid(topology));
                return 0;
            }
            return output.Success("topology", topology, c => c.Write(new Spectre.Console.Text(TopologyRenderer.Text(topology))));
        }));
        return command;
    }
}
