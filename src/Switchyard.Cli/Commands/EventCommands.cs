using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard send</c>, <c>yard events</c>, <c>yard event</c>.</summary>
internal static class EventCommands
{
    public static Command Send()
    {
        var name = new Argument<string>("name") { Description = "Event name, e.g. demo/hello" };
        var data = new Option<string?>("--data", "-d") { Description = "Event data as a JSON object" };
        var id = new Option<string?>("--id") { Description = "Idempotency id (repeats within 24 h are stored once)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Stay and print the runs the event starts as they progress, until they all end (exit 1 if one did not complete)" };
        var timeout = new Option<string?>("--timeout") { Description = "With --follow: stop waiting after this long (e.g. 30s, 5m; default: no limit)" };
        var command = new Command("send", "Send an event to the bus") { name, data, id, follow, timeout };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "send", async (client, output) =>
        {
            JsonObject payload;
            try
            {
                payload = new JsonObject { ["name"] = pr.GetValue(name), ["data"] = ParseData(pr.GetValue(data)) };
            }
            catch (JsonException ex)
            {
                throw new CliException("invalid_data", $"--data is not valid JSON: {ex.Message}", "pass a JSON object, e.g. -d '{\"x\":1}'");
            }
            if (pr.GetValue(id) is { } eventId) payload["id"] = eventId;
            TimeSpan? wait = null;
            if (pr.GetValue(timeout) is { } timeoutText)
            {
                if (!pr.GetValue(follow)) throw new CliException("invalid_timeout", "--timeout only applies with --follow", "add --follow, or drop --timeout");
                wait = Switchyard.Configuration.ConfigDuration.TryParse(timeoutText) is { } t && t > TimeSpan.Zero ? t
                    : throw new CliException("invalid_timeout", $"--timeout '{timeoutText}' is not a positive duration", "e.g. --timeout 30s");
            }
            var (ids, traceId) = await client.SendTracedAsync(payload, ct);
            var first = ids.FirstOrDefault() ?? "";
            var sent = new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()), ["name"] = pr.GetValue(name), ["traceId"] = traceId };
            if (pr.GetValue(follow))
            {
                if (!output.Json) output.Console.MarkupLine($"sent [bold]{Markup.Escape(pr.GetValue(name)!)}[/] id [green]{Markup.Escape(first)}[/], following its runs (Ctrl-C to stop)");
                return await Live.EventFollower.FollowAsync(client, output, sent, first, wait, ct);
            }
            return output.Success("send", sent,
                c => c.MarkupLine($"sent [bold]{Markup.Escape(pr.GetValue(name)!)}[/] id [green]{Markup.Escape(first)}[/]"),
                new NextAction($"yard event {first}", "see the event and the runs it started"));
        }));
        return command;
    }

    internal static JsonObject ParseData(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return JsonNode.Parse(text) as JsonObject ?? throw new CliException("invalid_data", "--data must be a JSON object", "wrap values in an object, e.g. -d '{\"x\":1}'");
    }

    public static Command List()
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only names starting with this" };
        var hours = new Option<double?>("--hours") { Description = "Only events from the last N hours" };
        var count = new Option<int?>("--count", "-n") { Description = "How many (default 50, max 10000)" };
        var command = new Command("events", "List recent events, newest first") { prefix, hours, count };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "events", async (client, output) =>
        {
            var result = await client.ListEventsAsync(pr.GetValue(prefix), pr.GetValue(hours), pr.GetValue(count), ct);
            var events = result.Events;
            return output.Success("events", result, c =>
            {
                // Ids stay whole. Where a long one (a cron event's id is 54 characters) leaves too little room, source and
                // data are left out (`yard event ID` shows them) rather than folded a few characters wide.
                var wide = c.Profile.Width >= (events.Count == 0 ? 0 : events.Max(e => e.Id.Length)) + 70;
                var table = (wide ? Format.Table("id", "name", "received", "source", "data") : Format.Table("id", "name", "received")).NoWrap(0);
                foreach (var e in events)
                {
                    string[] row = [Markup.Escape(e.Id), Markup.Escape(e.Name), Format.Time(e.ReceivedAt)];
                    table.AddRow(wide ? [.. row, Format.Text(e.Source), Format.Text(e.Data, 50)] : row);
                }
                c.Write(table);
                c.MarkupLine($"[grey]{events.Count} event(s)[/]");
            }, events.Count > 0 ? [new NextAction($"yard event {events[0].Id}", "inspect the newest event")] : [new NextAction("yard send demo/hello -d '{\"name\":\"Ada\"}'", "send an event")]);
        }));
        return command;
    }

    public static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Event id" };
        var command = new Command("event", "Show one event, the runs it started and every function it matched or skipped") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "event", async (client, output) =>
        {
            var result = await client.GetEventAsync(pr.GetValue(id)!, ct);
            var e = result.Event;
            var runs = result.Runs;
            var decisions = result.Decisions;
            return output.Success("event", result, c =>
            {
                c.MarkupLine($"[bold]{Markup.Escape(e.Name)}[/]  id {Markup.Escape(e.Id)}  received {Format.Time(e.ReceivedAt)}  source {Format.Text(e.Source)}");
                c.WriteLine(e.Data?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "{}");
                if (runs.Count > 0)
                {
                    var table = Format.Table("run", "function", "status", "started", "duration");
                    foreach (var r in runs) table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.FunctionId), Format.Status(r.Status), Format.Time(r.StartedAt), Format.Duration(r.DurationMs));
                    c.Write(table);
                }
                if (decisions.Count > 0)
                {
                    var table = Format.Table("function", "decision", "why", "run");
                    foreach (var d in decisions)
                    {
                        var outcome = d.Outcome;
                        var color = outcome is "matched" or "batched" or "debounced" ? "green" : outcome == "cancelled" ? "yellow" : "red";
                        table.AddRow(Markup.Escape(d.FunctionId), $"[{color}]{Markup.Escape(outcome)}[/]", Format.Text(d.Reason, 70), Format.Text(d.RunId));
                    }
                    c.Write(table);
                }
                if (runs.Count == 0 && decisions.Count == 0) c.MarkupLine("[grey]no function is triggered by this event name[/]");
            }, runs.Select(r => new NextAction($"yard run {r.Id}", "see the run's step timeline")).Take(3).ToArray());
        }));
        return command;
    }

    internal static string Query(params (string Key, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
