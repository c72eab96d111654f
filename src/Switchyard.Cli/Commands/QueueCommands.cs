using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Client.Models;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard queue emit|list|stats|pause|resume|why</c>: the prioritized work queue.</summary>
internal static class QueueCommands
{
    public static Command Build()
    {
        var queue = new Command("queue", "The prioritized work queue: emit items, list them, stats, pause and resume families, why an item has not run");
        queue.Subcommands.Add(Emit());
        queue.Subcommands.Add(List());
        queue.Subcommands.Add(Stats());
        queue.Subcommands.Add(Pause());
        queue.Subcommands.Add(Resume());
        queue.Subcommands.Add(Why());
        return queue;
    }

    private static Command Emit()
    {
        var family = new Argument<string>("family") { Description = "A family declared in [queue.families.NAME]" };
        var data = new Option<string?>("--data", "-d") { Description = "The item's payload, a JSON object" };
        var priority = new Option<string?>("--priority", "-p") { Description = "P0 (first) .. P3; default the family's" };
        var dedupKey = new Option<string?>("--dedup-key") { Description = "Dedup key (default: the family's dedup_path in the payload)" };
        var command = new Command("emit", "Put an item on the queue (durable when this returns)") { family, data, priority, dedupKey };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue emit", async (client, output) =>
        {
            System.Text.Json.Nodes.JsonObject payload;
            try
            {
                payload = EventCommands.ParseData(pr.GetValue(data));
            }
            catch (JsonException ex)
            {
                throw new CliException("invalid_data", $"--data is not valid JSON: {ex.Message}", "pass a JSON object, e.g. -d '{\"x\":1}'");
            }
            var result = await client.QueueEmitAsync(pr.GetValue(family)!, new QueueEmitRequest(payload, pr.GetValue(priority), pr.GetValue(dedupKey)), ct);
            return output.Success("queue emit", result,
                c => c.MarkupLine(result.Deduplicated
                    ? $"deduplicated: already queued as [green]{Markup.Escape(result.Id)}[/]"
                    : $"queued [bold]{Markup.Escape(result.Family)}[/] {result.Priority} id [green]{Markup.Escape(result.Id)}[/]"),
                new NextAction($"yard queue why {result.Id}", "where the item is and why"));
        }));
        return command;
    }

    private static Command List()
    {
        var family = new Option<string?>("--family", "-f") { Description = "Only this family" };
        var state = new Option<string?>("--state") { Description = "Only items in this state: queued, active, done, failed" };
        var limit = new Option<int?>("--limit", "-n") { Description = "How many (default 100, max 10000)" };
        var command = new Command("list", "Queue items, newest first") { family, state, limit };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue list", async (client, output) =>
        {
            var result = await client.QueueListAsync(pr.GetValue(family), pr.GetValue(state), pr.GetValue(limit), ct);
            return output.Success("queue list", result, c =>
            {
                var table = Format.Table("id", "family", "pri", "state", "enqueued", "try", "result / error");
                foreach (var i in result.Items)
                    table.AddRow(Markup.Escape(i.Id), Markup.Escape(i.Family), Priority(i), State(i.State), Format.Clock(i.EnqueuedAt), i.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Format.Text(i.Error ?? i.Result, 40));
                c.Write(table);
            }, result.Items.Count > 0 ? [new NextAction($"yard queue why {result.Items[0].Id}", "why the newest item is where it is")] : []);
        }));
        return command;
    }

    private static Command Stats()
    {
        var command = new Command("stats", "Per family and priority: depth, oldest age, active/concurrency, dispatched in the last minute, failures, pauses");
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue stats", async (client, output) =>
        {
            var result = await client.QueueStatsAsync(ct);
            return output.Success("queue stats", result, c =>
            {
                var table = Format.Table("family", "handler", "depth P0/P1/P2/P3", "oldest", "active", "last min", "failed", "paused");
                foreach (var f in result.Families)
                {
                    var oldest = f.Priorities.Max(p => p.OldestAgeMs);
                    table.AddRow(Markup.Escape(f.Family), Markup.Escape(f.Handler ?? "(not declared)"),
                        $"{f.Depth} ({string.Join('/', f.Priorities.Select(p => p.Depth))})", Format.Duration(oldest), $"{f.Active}/{f.Concurrency}",
                        f.DispatchedLastMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), f.Failed > 0 ? $"[red]{f.Failed}[/]" : "0",
                        f.Pause is { } p ? $"[yellow]until {Format.Clock(p.Until)}[/] {Markup.Escape(p.Reason)}" : "");
                }
                c.Write(table);
            });
        }));
        return command;
    }

    private static Command Pause()
    {
        var family = new Argument<string>("family") { Description = "The family" };
        var ttl = new Option<string?>("--ttl") { Description = "How long (default 15m); it ends by itself" };
        var reason = new Option<string?>("--reason") { Description = "Why (shown by stats and why)" };
        var command = new Command("pause", "Pause a family: its items stay queued until the pause ends or `yard queue resume`") { family, ttl, reason };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue pause", async (client, output) =>
        {
            var result = await client.QueuePauseAsync(pr.GetValue(family)!, new QueuePauseRequest(pr.GetValue(ttl), pr.GetValue(reason)), ct);
            return output.Success("queue pause", result,
                c => c.MarkupLine($"paused [bold]{Markup.Escape(result.Family)}[/] until {Format.Time(result.Until)}: {Markup.Escape(result.Reason)}"),
                new NextAction($"yard queue resume {result.Family}", "resume it now"));
        }));
        return command;
    }

    private static Command Resume()
    {
        var family = new Argument<string>("family") { Description = "The family" };
        var command = new Command("resume", "End a family's pause now") { family };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue resume", async (client, output) =>
        {
            var result = await client.QueueResumeAsync(pr.GetValue(family)!, ct);
            return output.Success("queue resume", result,
                c => c.MarkupLine(result.Resumed ? $"resumed [bold]{Markup.Escape(result.Family)}[/]" : $"{Markup.Escape(result.Family)} was not paused"),
                new NextAction("yard queue stats", "depth and dispatch rate per family"));
        }));
        return command;
    }

    private static Command Why()
    {
        var id = new Argument<string>("id") { Description = "Queue item id (from yard queue emit or list)" };
        var command = new Command("why", "Where a queue item is and why: paused, behind N items of higher priority, family at concurrency, retrying, dispatched, failed") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "queue why", (client, output) => WhyItemAsync(client, output, "queue why", pr.GetValue(id)!, null, ct)));
        return command;
    }

    /// <summary>Prints a queue item and why it is where it is (also <c>yard why ITEM-ID</c>); when there is no such
    /// item, throws <paramref name="notFound"/> (the error of what was looked up first), if given.</summary>
    public static async Task<int> WhyItemAsync(Switchyard.Client.SwitchyardClient client, CommandOutput output, string command, string id,
        Switchyard.Client.SwitchyardApiException? notFound, CancellationToken ct)
    {
        QueueItemView item;
        try
        {
            item = await client.QueueItemAsync(id, ct);
        }
        catch (Switchyard.Client.SwitchyardApiException e) when (e.Status == 404 && notFound is not null)
        {
            throw notFound;
        }
        return output.Success(command, item, c =>
        {
            c.MarkupLine($"[bold]{Markup.Escape(item.Id)}[/] {Markup.Escape(item.Family)} {Priority(item)} {State(item.State)} enqueued {Format.Time(item.EnqueuedAt)}");
            foreach (var w in item.Why ?? []) c.MarkupLine($"  [grey]{Markup.Escape(w.Code)}[/]  {Markup.Escape(w.Message)}");
        }, [new NextAction("yard queue stats", "depth and dispatch rate per family")]);
    }

    private static string Priority(QueueItemView i) =>
        i.EffectivePriority is { } e && e != i.Priority ? $"{i.Priority}→{e}" : i.Priority;

    private static string State(string state) => state switch
    {
        "done" => "[green]done[/]",
        "failed" => "[red]failed[/]",
        "active" => "[blue]active[/]",
        _ => Markup.Escape(state),
    };
}
