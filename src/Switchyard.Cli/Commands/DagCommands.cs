using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard dag run|show|runs|cancel</c> and <c>yard pipeline list|show|trigger|history</c>.</summary>
internal static class DagCommands
{
    /// <summary>How long one wait request asks the server to hold; <c>--wait</c> repeats it until the run ends.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(25);

    public static Command Dag()
    {
        var dag = new Command("dag", "DAG runs: submit a DAG (JSON or TOML), follow it, list and cancel runs");

        var file = new Argument<string>("file") { Description = "The DAG: a .json or .toml file, or - for JSON on stdin" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the end; print each node's state and output; exit 1 when the DAG failed" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: submitting again with it answers with the first run" };
        var input = new Option<string?>("--input", "-d") { Description = "Input data (JSON) that templates read as {{input...}}" };
        var run = new Command("run", "Submit a DAG") { file, wait, requestId, input };
        run.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "dag run", async (client, output) =>
        {
            var document = Read(pr.GetValue(file)!);
            if (pr.GetValue(requestId) is { } rid) document["requestId"] = rid;
            if (pr.GetValue(input) is { } data) document["input"] = ParseJson(data, "--input");
            var submitted = await client.SubmitDagAsync(document, ct);
            if (!pr.GetValue(wait))
                return output.Success("dag run", submitted, c => c.MarkupLine(
                        $"{(submitted.Duplicate ? "already submitted" : "submitted")}: DAG run [green]{Markup.Escape(submitted.RunId)}[/]"),
                    new NextAction($"yard dag show {submitted.RunId}", "see its nodes"), new NextAction($"yard trace {submitted.EventId}", "how it flowed"));
            var view = await WaitAsync(client, submitted.RunId, ct);
            output.Success("dag run", view, c => Render(c, view), new NextAction($"yard dag show {view.RunId}", "see it again"));
            return view.Status == "Completed" ? 0 : 1;
        }));

        var id = new Argument<string>("id") { Description = "DAG run id" };
        var format = new Option<string>("--format") { Description = "text, json or mermaid", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "mermaid");
        var show = new Command("show", "A DAG run: each node's state, attempts, timing and output") { id, format };
        show.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "dag show", async (client, output) =>
        {
            var view = await client.GetDagRunAsync(pr.GetValue(id)!, null, ct);
            return pr.GetValue(format) switch
            {
                "mermaid" => output.Success("dag show", new JsonObject { ["mermaid"] = Mermaid(view) }, c => c.Profile.Out.Writer.WriteLine(Mermaid(view))),
                "json" => output.Success("dag show", view, c => c.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(view, SwitchyardJson.Options))),
                _ => output.Success("dag show", view, c => Render(c, view)),
            };
        }));

        var pipeline = new Option<string?>("--pipeline") { Description = "Only runs of this pipeline" };
        var status = new Option<string?>("--status") { Description = "Only runs in this status (queued, running, completed, failed, cancelled)" };
        var count = new Option<int?>("--count", "-n") { Description = "How many (default 50)" };
        var runs = new Command("runs", "DAG runs, newest first") { pipeline, status, count };
        runs.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "dag runs", async (client, output) =>
        {
            var list = await client.ListDagRunsAsync(pr.GetValue(pipeline), pr.GetValue(status), pr.GetValue(count), ct);
            return output.Success("dag runs", list, c =>
            {
                var table = Format.Table("run", "status", "pipeline", "nodes", "created", "took", "error");
                foreach (var r in list.Runs)
                    table.AddRow(Markup.Escape(r.RunId), Format.Status(r.Status), Format.Text(r.Pipeline), r.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Format.Time(r.CreatedAt), Format.Duration(r.DurationMs), Format.Text(r.Error, 50));
                c.Write(table);
            });
        }));

        var cancel = new Command("cancel", "Cancel a DAG run: nothing more starts, running shell nodes are killed") { id };
        cancel.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "dag cancel", async (client, output) =>
        {
            var view = await client.CancelDagRunAsync(pr.GetValue(id)!, ct);
            return output.Success("dag cancel", view, c => c.MarkupLine($"DAG run [yellow]{Markup.Escape(view.RunId)}[/] is {Format.Status(view.Status)}"));
        }));

        dag.Subcommands.Add(run);
        dag.Subcommands.Add(show);
        dag.Subcommands.Add(runs);
        dag.Subcommands.Add(cancel);
        return dag;
    }

    public static Command Pipeline()
    {
        var pipeline = new Command("pipeline", "Pipelines (named DAGs from yard.toml or pipelines_dir): list, show, trigger, history");
        var list = new Command("list", "Every pipeline: schedule, concurrency, next tick, latest run");
        list.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "pipeline list", async (client, output) =>
        {
            var result = await client.ListPipelinesAsync(ct);
            return output.Success("pipeline list", result, c =>
            {
                var table = Format.Table("pipeline", "schedule", "concurrency", "nodes", "next", "latest run");
                foreach (var p in result.Pipelines)
                    table.AddRow(Markup.Escape(p.Name), Format.Text(p.Schedule), p.Concurrency, p.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Format.Time(p.NextRunAt), p.LatestRunId is null ? "" : $"{Format.Status(p.LatestStatus)} {Markup.Escape(p.LatestRunId)}");
                c.Write(table);
            });
        }));

        var name = new Argument<string>("name") { Description = "Pipeline name" };
        var show = new Command("show", "A pipeline and its DAG") { name };
        show.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "pipeline show", async (client, output) =>
        {
            var detail = await client.GetPipelineAsync(pr.GetValue(name)!, ct);
            return output.Success("pipeline show", detail, c =>
            {
                var p = detail.Pipeline;
                c.MarkupLine($"[bold]{Markup.Escape(p.Name)}[/] {Format.Text(p.Description)}");
                c.MarkupLine($"schedule {Format.Text(p.Schedule ?? "none (on demand)")}, concurrency {p.Concurrency}, notify {Format.Text(p.Notify ?? "none")}, from {Format.Text(p.Origin)}");
                var table = Format.Table("node", "handler", "depends on");
                foreach (var n in detail.Dag["nodes"]?.AsArray() ?? [])
                    table.AddRow(Format.Text(n?["id"]), Format.Text(n?["handler"]), Format.Text(string.Join(", ", n?["dependsOn"]?.AsArray().Select(d => d?.ToString()) ?? [])));
                c.Write(table);
            });
        }));

        var data = new Option<string?>("--data", "-d") { Description = "Input data (JSON) that templates read as {{input...}}" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end; exit 1 when it failed" };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key" };
        var trigger = new Command("trigger", "Run a pipeline now (by its concurrency policy)") { name, data, wait, requestId };
        trigger.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "pipeline trigger", async (client, output) =>
        {
            var input = pr.GetValue(data) is { } d ? ParseJson(d, "--data") : null;
            var result = await client.TriggerPipelineAsync(pr.GetValue(name)!, new PipelineTriggerRequest(input, pr.GetValue(requestId)), null, ct);
            if (!pr.GetValue(wait) || result.RunId is null || result.Outcome == "skipped")
                return output.Success("pipeline trigger", result, c => c.MarkupLine($"{Markup.Escape(result.Outcome)}: {Markup.Escape(result.Reason)}"
                    + (result.RunId is null ? "" : $" — run [green]{Markup.Escape(result.RunId)}[/]")),
                    result.RunId is null ? [] : [new NextAction($"yard dag show {result.RunId}", "see its nodes")]);
            var view = await WaitAsync(client, result.RunId, ct);
            output.Success("pipeline trigger", view, c => Render(c, view));
            return view.Status == "Completed" ? 0 : 1;
        }));

        var count = new Option<int?>("--count", "-n") { Description = "How many (default 50)" };
        var history = new Command("history", "A pipeline's ticks, triggers and queue items, and what became of each") { name, count };
        history.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "pipeline history", async (client, output) =>
        {
            var result = await client.GetPipelineHistoryAsync(pr.GetValue(name)!, pr.GetValue(count), ct);
            return output.Success("pipeline history", result, c =>
            {
                var table = Format.Table("at", "request", "outcome", "run", "reason");
                foreach (var e in result.Entries)
                    table.AddRow(Format.Time(e.At), Markup.Escape(e.EventId), Markup.Escape(e.Outcome),
                        e.RunId is null ? "" : $"{Format.Status(e.RunStatus)} {Markup.Escape(e.RunId)}", Format.Text(e.Reason, 70));
                c.Write(table);
            });
        }));

        pipeline.Subcommands.Add(list);
        pipeline.Subcommands.Add(show);
        pipeline.Subcommands.Add(trigger);
        pipeline.Subcommands.Add(history);
        return pipeline;
    }

    private static async Task<DagRunView> WaitAsync(SwitchyardClient client, string runId, CancellationToken ct)
    {
        while (true)
        {
            var view = await client.GetDagRunAsync(runId, WaitSlice, ct);
            if (view.Status is "Completed" or "Failed" or "Cancelled") return view;
        }
    }

    /// <summary>Reads a DAG document: JSON, or TOML by extension (turned into the same JSON).</summary>
    private static JsonObject Read(string path)
    {
        string text;
        try
        {
            text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new CliException("unreadable_file", $"cannot read {path}: {ex.Message}", "pass a .json or .toml DAG file, or - for stdin");
        }
        try
        {
            return path.EndsWith(".toml", StringComparison.OrdinalIgnoreCase) ? TomlJson.Parse(text, path)
                : JsonNode.Parse(text) as JsonObject ?? throw new CliException("invalid_dag", $"{path} is not a JSON object", "a DAG is {\"nodes\": [...]}");
        }
        catch (JsonException ex)
        {
            throw new CliException("invalid_dag", $"{path} is not valid JSON: {ex.Message}", "fix the file, or use .toml");
        }
        catch (InvalidDataException ex)
        {
            throw new CliException("invalid_dag", ex.Message, "fix the TOML");
        }
    }

    private static JsonNode? ParseJson(string text, string option)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CliException("invalid_data", $"{option} is not valid JSON: {ex.Message}", $"e.g. {option} '{{\"x\":1}}'");
        }
    }

    private static void Render(IAnsiConsole c, DagRunView view)
    {
        c.MarkupLine($"DAG run [bold]{Markup.Escape(view.RunId)}[/] {Format.Status(view.Status)}"
            + (view.Pipeline is null ? "" : $" (pipeline {Markup.Escape(view.Pipeline)})") + (view.DurationMs is { } d ? $" in {Format.Duration(d)}" : ""));
        if (view.Error is not null) c.MarkupLine($"[red]{Markup.Escape(view.Error)}[/]");
        var table = Format.Table("node", "handler", "state", "attempts", "started", "took", "output / error");
        foreach (var n in view.Nodes)
            table.AddRow(Markup.Escape(n.Id), n.Handler, State(n.State), n.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Clock(n.StartedAt), Format.Duration(n.DurationMs), n.Error is not null ? $"[red]{Format.Text(n.Error, 70)}[/]" : Format.Text(n.Output, 70));
        c.Write(table);
    }

    private static string State(string state) => state switch
    {
        "completed" => "[green]completed[/]",
        "failed" => "[red]failed[/]",
        "running" or "retrying" => $"[blue]{state}[/]",
        "skipped" or "cancelled" => $"[yellow]{state}[/]",
        _ => state,
    };

    /// <summary>The DAG as a mermaid flowchart, nodes coloured by state.</summary>
    internal static string Mermaid(DagRunView view)
    {
        var text = new StringBuilder("flowchart LR\n");
        // Ids by position: node ids may hold characters mermaid reads as syntax.
        var key = view.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => $"n{p.i}", StringComparer.Ordinal);
        string Safe(string id) => key.GetValueOrDefault(id, "missing");
        foreach (var n in view.Nodes)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {Safe(n.Id)}[\"{n.Id.Replace("\"", "'", StringComparison.Ordinal)}<br/>{n.Handler} · {n.State}\"]:::{n.State}\n");
        foreach (var n in view.Nodes)
            foreach (var dep in n.DependsOn) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {Safe(dep)} --> {Safe(n.Id)}\n");
        text.Append("  classDef completed fill:#d4f7d4,stroke:#2e7d32\n");
        text.Append("  classDef failed fill:#fdd,stroke:#c62828\n");
        text.Append("  classDef running fill:#dbe9ff,stroke:#1565c0\n");
        text.Append("  classDef retrying fill:#ffe9c7,stroke:#ef6c00\n");
        text.Append("  classDef skipped fill:#eee,stroke:#999,stroke-dasharray: 4 2\n");
        text.Append("  classDef cancelled fill:#fff3c4,stroke:#b8860b\n");
        text.Append("  classDef pending fill:#fff,stroke:#999\n");
        return text.ToString();
    }
}
