using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard why</c>, <c>yard trace</c>, <c>yard status</c>: answers from live state.</summary>
internal static class InsightCommands
{
    public static Command Why()
    {
        var id = new Argument<string>("event-id") { Description = "Event id (or a work-queue item id)" };
        var function = new Option<string?>("--function") { Description = "Only this function" };
        var command = new Command("why", "For an event, every function and why it did or did not run; for a queue item, why it has (not) run") { id, function };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "why", async (client, output) =>
        {
            JsonObject result;
            try
            {
                result = await client.WhyAsync(pr.GetValue(id)!, pr.GetValue(function), ct);
            }
            catch (Switchyard.Client.SwitchyardApiException e) when (e.Status == 404 && pr.GetValue(function) is null)
            {
                // No such event: the id may be a work-queue item's.
                return await QueueCommands.WhyItemAsync(client, output, "why", pr.GetValue(id)!, e, ct);
            }
            var functions = result["functions"]!.AsArray();
            return output.Success("why", result, c =>
            {
                var e = result["event"]!;
                c.MarkupLine($"[bold]{Markup.Escape(e["name"]!.GetValue<string>())}[/] {Markup.Escape(e["id"]!.GetValue<string>())}");
                foreach (var f in functions)
                {
                    var ran = f!["ran"]?.GetValue<bool>() == true;
                    var mark = ran ? (f["verdict"]?.GetValue<string>() is "failed" or "app_unreachable" ? "[red]✗ ran, failed[/]" : "[green]✓ ran[/]") : "[yellow]– did not run[/]";
                    c.MarkupLine($"{mark} [bold]{Markup.Escape(f["functionId"]!.GetValue<string>())}[/] ({Markup.Escape(f["verdict"]?.GetValue<string>() ?? "")}): {Markup.Escape(f["reason"]?.GetValue<string>() ?? "")}");
                    if (f["values"] is JsonObject values)
                        foreach (var (path, value) in values) c.MarkupLine($"    {Markup.Escape(path)} = {Markup.Escape(value?.ToJsonString() ?? "null")}");
                    if (f["nearestNames"] is JsonArray { Count: > 0 } near)
                        c.MarkupLine($"    did you mean: {Markup.Escape(string.Join(", ", near.Select(n => n!.GetValue<string>())))}?");
                    if (f["runId"] is { } run) c.MarkupLine($"    run {Markup.Escape(run.GetValue<string>())} ({Markup.Escape(f["runStatus"]?.GetValue<string>() ?? "")})");
                    if (f["cron"] is JsonArray { Count: > 0 } fires)
                        foreach (var fire in fires.Take(3)) c.MarkupLine($"    cron: {Markup.Escape(fire!.ToJsonString())}");
                }
            }, [new NextAction($"yard trace {pr.GetValue(id)}", "see the whole causal tree")]);
        }));
        return command;
    }

    public static Command Trace()
    {
        var id = new Argument<string>("event-id") { Description = "Event id" };
        var command = new Command("trace", "The causal tree of an event: matches → runs → steps → events sent → their runs …") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "trace", async (client, output) =>
        {
            var tree = await client.TraceAsync(pr.GetValue(id)!, ct);
            return output.Success("trace", tree, c =>
            {
                var root = new Tree(EventLabel(tree));
                AddEvent(root, tree);
                c.Write(root);
            });
        }));
        return command;
    }

    private static string EventLabel(JsonNode e) =>
        $"[bold]event[/] {Markup.Escape(e["name"]!.GetValue<string>())} [grey]{Markup.Escape(e["id"]!.GetValue<string>())} ({Markup.Escape(e["source"]?.GetValue<string>() ?? "")})[/]";

    private static void AddEvent(IHasTreeNodes parent, JsonNode e)
    {
        foreach (var f in e["children"]?.AsArray() ?? [])
        {
            var outcome = f!["outcome"]!.GetValue<string>();
            var node = parent.AddNode($"[bold]{Markup.Escape(f["functionId"]!.GetValue<string>())}[/] {Markup.Escape(outcome)}" +
                (f["run"] is null && f["reason"] is { } r ? $" [grey]{Format.Text(r, 80)}[/]" : ""));
            if (f["run"] is JsonObject run) AddRun(node, run);
        }
        AddTelemetry(parent, e);
    }

    private static void AddRun(IHasTreeNodes parent, JsonObject run)
    {
        var node = parent.AddNode($"run {Markup.Escape(run["id"]!.GetValue<string>())} {Format.Status(run["status"]?.GetValue<string>())} {Format.Duration(run["durationMs"])}");
        foreach (var s in run["steps"]?.AsArray() ?? [])
            node.AddNode($"step {Format.Text(s!["name"], 40)} [grey]{Format.Text(s["op"])} {Format.Text(s["status"])}, {s["attempts"]} attempt(s), {Format.Duration(s["durationMs"])}[/]");
        foreach (var e in run["sentEvents"]?.AsArray() ?? [])
        {
            var child = node.AddNode("sent " + EventLabel(e!));
            AddEvent(child, e!);
        }
        foreach (var r in run["invokedRuns"]?.AsArray() ?? [])
        {
            var child = node.AddNode($"invoked [bold]{Markup.Escape(r!["functionId"]!.GetValue<string>())}[/]");
            AddRun(child, r.AsObject());
        }
        AddTelemetry(node, run);
    }

    private static void AddTelemetry(IHasTreeNodes parent, JsonNode node)
    {
        foreach (var t in node["telemetry"]?.AsArray() ?? [])
            parent.AddNode($"[grey]telemetry {Format.Text(t!["level"])} {Format.Text(t["component"])}/{Format.Text(t["action"])} {Format.Text(t["error"], 60)}[/]");
    }

    public static Command Status()
    {
        var command = new Command("status", "Health of every component, one line each, with the fix for each problem");
        command.SetAction(async (pr, ct) =>
        {
            var output = CliGlobals.Output(pr);
            JsonObject result;
            try
            {
                var config = CliGlobals.LoadConfiguration(pr).Options;
                using var client = CliGlobals.Client(config);
                try
                {
                    result = CommandOutput.AsJson(await client.CallAsync(c => c.GetStatusAsync(ct), ct));
                }
                catch (CliException ex) when (ex.Code is "server_unreachable" or "server_timeout")
                {
                    result = new JsonObject
                    {
                        ["overall"] = "down",
                        ["components"] = new JsonArray(new JsonObject { ["component"] = "server", ["status"] = "down", ["detail"] = ex.Message, ["fix"] = ex.Fix }),
                    };
                }
            }
            catch (CliException ex)
            {
                return output.Failure("status", ex);
            }
            var overall = result["overall"]!.GetValue<string>();
            output.Success("status", result, c =>
            {
                foreach (var line in result["components"]!.AsArray())
                {
                    var status = line!["status"]!.GetValue<string>();
                    var color = status switch { "ok" => "green", "degraded" => "yellow", "stopped" => "grey", _ => "red" };
                    c.MarkupLine($"[{color}]{status,-8}[/] [bold]{Markup.Escape(line["component"]!.GetValue<string>())}[/]  {Markup.Escape(line["detail"]?.GetValue<string>() ?? "")}" +
                        (line["fix"] is { } fix ? $"\n         [grey]fix: {Markup.Escape(fix.GetValue<string>())}[/]" : ""));
                }
                c.MarkupLine($"overall: [bold]{overall}[/]");
            });
            return overall == "down" ? 1 : 0;
        });
        return command;
    }
}
