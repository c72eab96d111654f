using System.CommandLine;
using Spectre.Console;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard cron list</c>, <c>yard cron trigger</c>.</summary>
internal static class CronCommands
{
    public static Command Build()
    {
        var cron = new Command("cron", "Cron schedules: list them, or fire one now");
        var list = new Command("list", "Every cron trigger: schedule, time zone, last and next fire, last run");
        list.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "cron list", async (client, output) =>
        {
            var result = await client.ListCronAsync(ct);
            var schedules = result.Schedules;
            return output.Success("cron list", result, c =>
            {
                // The last run's status sits above its id, so the id column is only as wide as the id and fits whole at 80 columns.
                var table = Format.Table("function", "schedule", "tz", "last fire", "next fire", "last run").NoWrap(0, 5);
                foreach (var s in schedules)
                    table.AddRow(Markup.Escape(s.FunctionId), Markup.Escape(s.Cron), Format.Text(s.Timezone), Format.Time(s.LastFire), Format.Time(s.NextFire),
                        s.LastRun is { } r ? $"{Format.Status(r.Status)}\n{Markup.Escape(r.Id)}" : "");
                c.Write(table);
            });
        }));
        var fn = new Argument<string>("function") { Description = "Function id" };
        var trigger = new Command("trigger", "Fire a function's cron schedule now (the run gets an inngest/scheduled.timer event)") { fn };
        trigger.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "cron trigger", async (client, output) =>
        {
            var result = await client.TriggerCronAsync(pr.GetValue(fn)!, ct);
            var runId = result.RunId;
            return output.Success("cron trigger", result, c => c.MarkupLine(runId is null ? "fired; no run started (see yard event)" : $"fired; run [green]{Markup.Escape(runId)}[/]"),
                runId is null ? [] : [new NextAction($"yard run {runId}", "follow the run")]);
        }));
        cron.Subcommands.Add(list);
        cron.Subcommands.Add(trigger);
        return cron;
    }
}
