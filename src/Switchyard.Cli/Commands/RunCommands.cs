using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Client.Models;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard runs</c>, <c>yard run</c>, <c>yard cancel</c>.</summary>
internal static class RunCommands
{
    public static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Queued, Running, Completed, Failed or Cancelled" };
        var function = new Option<string?>("--function") { Description = "Function id" };
        var hours = new Option<double?>("--hours") { Description = "Only runs from the last N hours" };
        var count = new Option<int?>("--count", "-n") { Description = "How many (default 50, max 10000)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "After the table, print each run change as it happens (JSON lines when not a terminal) until Ctrl-C" };
        var command = new Command("runs", "List runs, newest first") { status, function, hours, count, watch };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "runs", async (client, output) =>
        {
            if (pr.GetValue(watch)) return await Live.RunWatcher.WatchAsync(client, output, pr.GetValue(status), pr.GetValue(function), pr.GetValue(hours), pr.GetValue(count), ct);
            var result = await client.ListRunsAsync(pr.GetValue(status), pr.GetValue(function), pr.GetValue(hours), pr.GetValue(count), ct);
            var runs = result.Runs;
            return output.Success("runs", result, c => Table(c, runs), runs.Count > 0 ? [new NextAction($"yard run {runs[0].Id}", "see the newest run's timeline")] : []);
        }));
        return command;
    }

    /// <summary>The runs table of <c>yard runs</c> (and the start of <c>yard runs --watch</c>).</summary>
    internal static void Table(IAnsiConsole c, IReadOnlyList<RunView> runs)
    {
        // Run, function and event ids stay whole (a cut id is useless to copy). When all three cannot fit beside
        // the other columns (about 130 columns with a cron event id), the event column is left out: `yard run ID`
        // and the envelope show it, and the run id is what every follow-up command takes.
        var needed = runs.Count == 0 ? 0 : runs.Max(r => r.Id.Length) + runs.Max(r => r.FunctionId.Length) + runs.Max(r => r.EventId?.Length ?? 0) + 60;
        var withEvent = c.Profile.Width >= needed;
        var table = withEvent ? Format.Table("run", "function", "status", "created", "duration", "event").NoWrap(0, 1, 5)
            : Format.Table("run", "function", "status", "created", "duration").NoWrap(0, 1);
        foreach (var r in runs)
        {
            string[] row = [Markup.Escape(r.Id), Markup.Escape(r.FunctionId), Format.Status(r.Status), Format.Time(r.CreatedAt), Format.Duration(r.DurationMs)];
            table.AddRow(withEvent ? [.. row, Markup.Escape(r.EventId ?? "")] : row);
        }
        c.Write(table);
    }

    public static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var command = new Command("run", "Show a run's step timeline: steps, attempts, durations, outputs and errors") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "run", async (client, output) =>
        {
            var result = await client.GetRunAsync(pr.GetValue(id)!, ct);
            var run = result.Run;
            var history = result.History;
            return output.Success("run", result, c =>
            {
                c.MarkupLine($"[bold]{Markup.Escape(run.FunctionId)}[/]  run {Markup.Escape(run.Id)}  {Format.Status(run.Status)}  event {Format.Text(run.EventId)}");
                var table = Format.Table("time", "what", "step", "try", "took", "detail");
                foreach (var h in history)
                    table.AddRow(Format.Clock(h.At), Markup.Escape(h.Kind), Format.Text(h.StepName ?? h.StepHash, 20),
                        (h.Attempt + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Duration(h.DurationMs), Format.Text(h.Detail, 48));
                c.Write(table);
                if (run.Output is { } o) c.MarkupLine($"output: {Format.Text(o, 200)}");
                if (run.Error is { } e) c.MarkupLine($"[red]error:[/] {Format.Text(e, 200)}");
            }, run.Status is "Queued" or "Running" ? [new NextAction($"yard cancel {run.Id}", "cancel this run")] : []);
        }));
        return command;
    }

    public static Command Invoke()
    {
        var function = new Argument<string>("function") { Description = "Function id" };
        var data = new Option<string?>("--data", "-d") { Description = "Data as a JSON object" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return the run id at once instead of waiting for the result" };
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait for the result (default 30s, at most 5m)" };
        var command = new Command("invoke", "Run one function with data and print its result (a durable run, like a step's invoke)") { function, data, noWait, timeout };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "invoke", async (client, output) =>
        {
            System.Text.Json.Nodes.JsonObject payload;
            try
            {
                payload = string.IsNullOrWhiteSpace(pr.GetValue(data)) ? [] : System.Text.Json.Nodes.JsonNode.Parse(pr.GetValue(data)!) as System.Text.Json.Nodes.JsonObject
                    ?? throw new CliException("invalid_data", "--data must be a JSON object", "e.g. -d '{\"x\":1}'");
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CliException("invalid_data", $"--data is not valid JSON: {ex.Message}", "e.g. -d '{\"x\":1}'");
            }
            var result = await client.InvokeAsync(pr.GetValue(function)!, new InvokeRequest(payload, !pr.GetValue(noWait), pr.GetValue(timeout)), ct);
            var run = result.Run;
            return output.Success("invoke", result, c =>
            {
                c.MarkupLine($"run {Markup.Escape(run.Id)} {Format.Status(run.Status)}");
                if (run.Output is { } o) c.WriteLine(o.ToJsonString());
                if (run.Error is { } e) c.MarkupLine($"[red]error:[/] {Format.Text(e, 300)}");
            }, new NextAction($"yard run {run.Id}", "see the run's timeline"));
        }));
        return command;
    }

    public static Command Replay()
    {
        var function = new Option<string>("--function") { Description = "Function id", Required = true };
        var from = new Option<string>("--from") { Description = "Start of the window: ISO-8601 time, or a duration ago (2h)", Required = true };
        var to = new Option<string?>("--to") { Description = "End of the window (default now)" };
        var status = new Option<string?>("--status") { Description = "Only events of runs in this status (e.g. failed); default: every event the function matched or skipped while paused" };
        var command = new Command("replay", "Start new runs of a function for the original events of a time window") { function, from, to, status };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "replay", async (client, output) =>
        {
            var result = await client.ReplayAsync(pr.GetValue(function)!, new ReplayRequest(pr.GetValue(from), pr.GetValue(to), pr.GetValue(status)), ct);
            var count = result.Count;
            return output.Success("replay", result, c => c.MarkupLine($"started {count} run(s)"),
                new NextAction($"yard runs --function {pr.GetValue(function)}", "follow them"));
        }));
        return command;
    }

    public static Command Cancel()
    {
        var id = new Argument<string>("run") { Description = "Run id" };
        var command = new Command("cancel", "Cancel a queued or running run") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "cancel", async (client, output) =>
        {
            var result = await client.CancelRunAsync(pr.GetValue(id)!, ct);
            return output.Success("cancel", result, c => c.MarkupLine($"run {Markup.Escape(pr.GetValue(id)!)} [yellow]cancelled[/]"),
                new NextAction($"yard run {pr.GetValue(id)}", "see its timeline"));
        }));
        return command;
    }
}
