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
            var result = await client.GetAsync("/v1/cron", ct);
            var schedules = result["schedules"]!.AsArray();
            return output.Success("cron list", result, c =>
            {
                var table = Format.Table("function", "schedule", "tz", "last fire", "next fire", "last run");
                foreach (var s in schedules)
                    table.AddRow(Markup.Escape(s!["functionId"]!.GetValue<string>()), Markup.Escape(s["cron"]!.GetValue<string>()), Format.Text(s["timezone"]),
                        Format.Time(s["lastFire"]), Format.Time(s["nextFire"]),
                        s["lastRun"] is { } r ? $"{Format.Status(r["status"]?.GetValue<string>())} {Markup.Escape(r["id"]!.GetValue<string>())}" : "");
                c.Write(table);
            });
        }));
        var fn = new Argument<string>("function") { Description = "Function id" };
        var trigger = new Command("trigger", "Fire a function's cron schedule now (the run gets an inngest/scheduled.timer event)") { fn };
        trigger.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "cron trigger", async (client, output) =>
        {
            var result = await client.PostAsync($"/v1/cron/{Uri.EscapeDataString(pr.GetValue(fn)!)}/trigger", null, ct);
            var runId = result["runId"]?.GetValue<string>();
            return output.Success("cron trigger", result, c => c.MarkupLine(runId is null ? "fired; no run started (see yard event)" : $"fired; run [green]{Markup.Escape(runId)}[/]"),
                runId is null ? [] : [new NextAction($"yard run {runId}", "follow the run")]);
        }));
        cron.Subcommands.Add(list);
        cron.Subcommands.Add(trigger);
        return cron;
    }
}
