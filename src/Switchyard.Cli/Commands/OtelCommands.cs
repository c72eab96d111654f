using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard otel search|list|stats|emit</c>: the telemetry pipeline.</summary>
internal static class OtelCommands
{
    public static Command Build()
    {
        var otel = new Command("otel", "Telemetry: search, list and count what components emitted, or emit an event");
        otel.Subcommands.Add(Search());
        otel.Subcommands.Add(List());
        otel.Subcommands.Add(Stats());
        otel.Subcommands.Add(Emit());
        return otel;
    }

    private sealed record Filters(Option<string?> Level, Option<string?> Source, Option<string?> Component, Option<double?> Hours, Option<int?> Count)
    {
        public static Filters Create() => new(
            new Option<string?>("--level") { Description = "debug, info, warn or error (comma-separated for several)" },
            new Option<string?>("--source") { Description = "Only this source" },
            new Option<string?>("--component") { Description = "Only this component" },
            new Option<double?>("--hours") { Description = "Only events from the last N hours" },
            new Option<int?>("--count", "-n") { Description = "How many (default 50, max 10000)" });

        public void AddTo(Command command)
        {
            command.Options.Add(Level);
            command.Options.Add(Source);
            command.Options.Add(Component);
            command.Options.Add(Hours);
            command.Options.Add(Count);
        }

        public Switchyard.Client.TelemetryFilter Query(ParseResult pr) =>
            new(pr.GetValue(Level), pr.GetValue(Source), pr.GetValue(Component), pr.GetValue(Hours), pr.GetValue(Count));
    }

    private static Command Search()
    {
        var text = new Argument<string>("text") { Description = "Words to find in action, error, metadata, component or source (word prefixes, all must match)" };
        var filters = Filters.Create();
        var command = new Command("search", "Full-text search over telemetry, newest first") { text };
        filters.AddTo(command);
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "otel search", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.SearchTelemetryAsync(pr.GetValue(text)!, filters.Query(pr), ct));
            return output.Success("otel search", result, c => RenderEvents(c, result["events"]!.AsArray()), NextFor(result["events"]!.AsArray()));
        }));
        return command;
    }

    private static Command List()
    {
        var filters = Filters.Create();
        var run = new Option<string?>("--run") { Description = "Only telemetry of this run (metadata.runId), oldest first" };
        var ev = new Option<string?>("--event") { Description = "Only telemetry of this event (metadata.eventId), oldest first" };
        var command = new Command("list", "Recent telemetry, newest first") { run, ev };
        filters.AddTo(command);
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "otel list", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.ListTelemetryAsync(filters.Query(pr), pr.GetValue(run), pr.GetValue(ev), ct));
            return output.Success("otel list", result, c => RenderEvents(c, result["events"]!.AsArray()), NextFor(result["events"]!.AsArray()));
        }));
        return command;
    }

    private static Command Stats()
    {
        var hours = new Option<double?>("--hours") { Description = "Window in hours (default 24)" };
        var command = new Command("stats", "Telemetry counts: per level, source, component and action, with error rates") { hours };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "otel stats", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.TelemetryStatsAsync(pr.GetValue(hours), ct));
            return output.Success("otel stats", result, c =>
            {
                var levels = result["byLevel"]!.AsObject();
                c.MarkupLine($"[bold]{result["total"]}[/] event(s) in the last {result["hours"]} h · failures {result["failures"]} · error rate [bold]{Percent(result["errorRate"])}[/]");
                c.MarkupLine(string.Join("  ", levels.Select(kv => $"{Level(kv.Key)} {kv.Value}")));
                foreach (var facet in new[] { "source", "component", "action" })
                {
                    var rows = result["facets"]![facet]!.AsArray();
                    if (rows.Count == 0) continue;
                    var table = Format.Table(facet, "events", "failures", "error rate");
                    foreach (var r in rows.Take(15))
                        table.AddRow(Format.Text(r!["value"], 50), r["count"]!.ToString(), r["failures"]!.ToString(), Percent(r["errorRate"]));
                    c.Write(table);
                }
                if (result["sampling"]?["sampledOutSinceStart"]?.GetValue<long>() is > 0 and var sampled)
                    c.MarkupLine($"[yellow]{sampled} debug event(s) sampled out since the server started (a component flooded)[/]");
            }, new NextAction("yard otel list --level error", "the newest errors"));
        }));
        return command;
    }

    private static Command Emit()
    {
        var source = new Option<string>("--source") { Description = "The emitting system, e.g. my-script", Required = true };
        var component = new Option<string>("--component") { Description = "Part of the source, e.g. backup", Required = true };
        var action = new Option<string>("--action") { Description = "What happened, e.g. backup.finished", Required = true };
        var level = new Option<string?>("--level") { Description = "debug, info (default), warn or error" };
        var error = new Option<string?>("--error") { Description = "Error text (also marks the event as failed)" };
        var metadata = new Option<string?>("--metadata") { Description = "Further fields as a JSON object" };
        var duration = new Option<double?>("--duration-ms") { Description = "How long it took, in milliseconds" };
        var success = new Option<bool?>("--success") { Description = "Outcome (true or false)" };
        var command = new Command("emit", "Emit one telemetry event (for scripts)") { source, component, action, level, error, metadata, duration, success };
        command.SetAction(async (pr, ct) =>
        {
            var output = CliGlobals.Output(pr);
            try
            {
                var body = new Switchyard.Client.Models.TelemetryEmit(pr.GetValue(source)!, pr.GetValue(component)!, pr.GetValue(action)!,
                    Level: pr.GetValue(level) ?? (pr.GetValue(error) is null ? "info" : "error"),
                    Error: pr.GetValue(error),
                    Success: pr.GetValue(error) is null ? pr.GetValue(success) : pr.GetValue(success) ?? false,
                    DurationMs: pr.GetValue(duration),
                    Metadata: pr.GetValue(metadata) is { } m ? ParseMetadata(m) : null);
                var config = CliGlobals.LoadConfiguration(pr).Options;
                // Ingest takes the telemetry token (or the API token), not the REST token alone: the client sends that.
                using var client = CliGlobals.Client(config);
                var result = await client.CallAsync(c => c.EmitTelemetryAsync([body], ct), ct);
                var id = result.Ids.FirstOrDefault();
                return output.Success("otel emit", result, c => c.MarkupLine(id is null
                        ? $"[yellow]sampled out[/] (the component is flooding debug events)"
                        : $"emitted [bold]{Markup.Escape(pr.GetValue(action)!)}[/] id [green]{Markup.Escape(id)}[/]"),
                    new NextAction($"yard otel list --source {pr.GetValue(source)}", "see it with its neighbours"));
            }
            catch (CliException ex)
            {
                return output.Failure("otel emit", ex);
            }
            catch (InvalidDataException ex)
            {
                return output.Failure("otel emit", new CliException("invalid_config", ex.Message, "fix the value in yard.toml or the SWITCHYARD_* variable, then `yard config`"));
            }
        });
        return command;
    }

    private static JsonObject ParseMetadata(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new CliException("invalid_metadata", "--metadata must be a JSON object", "e.g. --metadata '{\"host\":\"db1\"}'");
        }
        catch (JsonException ex)
        {
            throw new CliException("invalid_metadata", $"--metadata is not valid JSON: {ex.Message}", "e.g. --metadata '{\"host\":\"db1\"}'");
        }
    }

    private static void RenderEvents(IAnsiConsole c, JsonArray events)
    {
        var table = Format.Table("time", "level", "source", "component", "action", "took", "error / metadata");
        foreach (var e in events)
        {
            var detail = e!["error"] is { } err ? $"[red]{Format.Text(err, 60)}[/]" : Format.Text(e["metadata"], 60);
            table.AddRow(Time(e["ts"]), Level(e["level"]!.GetValue<string>()), Format.Text(e["source"], 20), Format.Text(e["component"], 20),
                Format.Text(e["action"], 30), Format.Duration(e["duration_ms"]), detail);
        }
        c.Write(table);
        c.MarkupLine($"[grey]{events.Count} event(s)[/]");
    }

    private static NextAction[] NextFor(JsonArray events) =>
        events.Select(e => e?["metadata"]?["runId"] is JsonValue v && v.TryGetValue(out string? s) ? s : null).FirstOrDefault(r => r is not null) is { } runId
            ? [new NextAction($"yard run {runId}", "the run behind the newest correlated event")]
            : [new NextAction("yard otel stats", "counts and error rates")];

    private static string Level(string level) => level switch
    {
        "error" => "[red]error[/]",
        "warn" => "[yellow]warn[/]",
        "debug" => "[grey]debug[/]",
        _ => Markup.Escape(level),
    };

    private static string Time(JsonNode? unixMs) => unixMs is null ? "" :
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs.GetValue<long>()).ToLocalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Percent(JsonNode? rate) => rate is null ? "" : (rate.GetValue<double>() * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
