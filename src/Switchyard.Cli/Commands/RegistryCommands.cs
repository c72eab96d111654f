using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Cli.Client;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard apps</c>, <c>yard functions</c>, <c>yard sync</c>, <c>yard pause</c>.</summary>
internal static class RegistryCommands
{
    public static Command Apps()
    {
        var command = new Command("apps", "List synced apps: role, URL, SDK, last sync, function count");
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "apps", async (client, output) =>
        {
            var result = await client.ListAppsAsync(ct);
            var apps = result.Apps;
            return output.Success("apps", result, c =>
            {
                var table = Format.Table("app", "role", "url", "sdk", "functions", "last sync");
                foreach (var a in apps) table.AddRow(Markup.Escape(a.Id), Format.Text(a.Role), Markup.Escape(a.Url), Format.Text(a.Sdk), a.FunctionCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Time(a.SyncedAt));
                c.Write(table);
            }, apps.Count == 0 ? [new NextAction("yard sync http://127.0.0.1:3939/api/switchyard", "sync an app")] : [new NextAction("yard functions", "list their functions")]);
        }));
        return command;
    }

    public static Command Functions()
    {
        var command = new Command("functions", "List registered functions: app and role, triggers, state, conflicts");
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "functions", async (client, output) =>
        {
            var result = await client.ListFunctionsAsync(ct);
            var functions = result.Functions;
            return output.Success("functions", result, c =>
            {
                var table = Format.Table("function", "app", "role", "triggers", "attempts", "state").NoWrap(0);
                foreach (var f in functions)
                {
                    var triggers = string.Join(", ", f.Triggers.Select(t => t.Event is { } e
                        ? e + (t.Expression is { } x ? $" if {x}" : "") : "cron " + t.Cron));
                    var state = (f.Paused ? "[yellow]paused[/]" : "active") + (f.Conflict ? $" [red]conflict (owner {Markup.Escape(f.Owner ?? "")})[/]" : "");
                    table.AddRow(Markup.Escape(f.Id), Markup.Escape(f.AppId), Format.Text(f.Role), Markup.Escape(triggers), f.MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture), state);
                }
                c.Write(table);
            });
        }));
        return command;
    }

    public static Command Sync()
    {
        var url = new Argument<string>("url") { Description = "The app's serve URL, e.g. http://127.0.0.1:3939/api/switchyard" };
        var command = new Command("sync", "Ask an app to register its functions (PUT to its URL)") { url };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "sync", async (client, output) =>
        {
            var result = await client.SyncAppAsync(pr.GetValue(url)!, ct);
            return output.Success("sync", result, c =>
                c.MarkupLine($"synced [bold]{Markup.Escape(result.App?.Id ?? pr.GetValue(url)!)}[/]: {Markup.Escape(result.Message)}{(result.Modified ? " (functions changed)" : "")}"),
                new NextAction("yard functions", "see the registered functions"));
        }));
        return command;
    }

    public static Command Resume()
    {
        var id = new Argument<string>("function") { Description = "Function id" };
        var command = new Command("resume", "Resume a paused function (events from the pause can be replayed with yard replay)") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "resume", async (client, output) =>
        {
            var result = await client.ResumeFunctionAsync(pr.GetValue(id)!, ct);
            return output.Success("resume", result, c => c.MarkupLine($"{Markup.Escape(pr.GetValue(id)!)} resumed"),
                new NextAction($"yard replay --function {pr.GetValue(id)} --from 24h", "start runs for events that arrived while it was paused"));
        }));
        return command;
    }

    public static Command Pause()
    {
        var id = new Argument<string>("function") { Description = "Function id" };
        var resume = new Option<bool>("--resume") { Description = "Resume instead of pausing" };
        var command = new Command("pause", "Pause a function (new events start no runs) or resume it") { id, resume };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "pause", async (client, output) =>
        {
            var verb = pr.GetValue(resume) ? "resume" : "pause";
            var result = verb == "pause" ? await client.PauseFunctionAsync(pr.GetValue(id)!, ct) : await client.ResumeFunctionAsync(pr.GetValue(id)!, ct);
            return output.Success("pause", result, c => c.MarkupLine($"{Markup.Escape(pr.GetValue(id)!)} {(verb == "pause" ? "paused" : "resumed")}"));
        }));
        return command;
    }
}
