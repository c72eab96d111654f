using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard gc [--dry-run]</c>: retention now, through the server (which deletes in short slices).</summary>
internal static class GcCommand
{
    public static Command Build()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what would be deleted, per kind" };
        var gc = new Command("gc", "Delete what is past its retention now ([retention], [queue] retention, telemetry_retention)") { dryRun };
        gc.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "gc", async (client, output) =>
        {
            var dry = pr.GetValue(dryRun);
            var result = await client.GcAsync(dry, ct);
            var n = result.Counts;
            return output.Success("gc", result, c =>
            {
                var table = Format.Table("kind", dry ? "would delete" : "deleted");
                foreach (var (kind, count) in new (string, long)[]
                {
                    ("runs", n.Runs), ("steps", n.Steps), ("history", n.History), ("decisions", n.Decisions), ("queue rows", n.QueueItems),
                    ("waits", n.Waits), ("events", n.Events), ("work items", n.WorkItems), ("telemetry", n.Telemetry),
                })
                    table.AddRow(kind, count.ToString(CultureInfo.InvariantCulture));
                c.Write(table);
            }, dry && result.Total > 0 ? [new NextAction("yard gc", "delete them now")] : []);
        }));
        return gc;
    }
}
