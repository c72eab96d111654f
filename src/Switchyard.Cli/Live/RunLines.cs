using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Cli.Live;

/// <summary>How the live commands (<c>yard send --follow</c>, <c>yard runs --watch</c>) print one feed item: a human
/// line on a terminal, else the item as one JSON line (the <c>GET /v1/feed</c> JSON, so a script reads the same shape
/// from the CLI as from the API).</summary>
internal static class RunLines
{
    /// <summary>Whether the run has reached an end state.</summary>
    public static bool Finished(RunView run) => run.Status is "Completed" or "Failed" or "Cancelled";

    /// <summary>A feed-shaped item for a run as a REST listing showed it (no transition: it is the state when the
    /// command looked, not a change).</summary>
    public static FeedItem Snapshot(RunView run, long at) => new(FeedItemKind.Run, at, null, run, null, null, null);

    /// <summary>Prints <paramref name="item"/>.</summary>
    public static void Print(CommandOutput output, FeedItem item)
    {
        if (output.Json)
        {
            // One line each: JSON lines, not the envelope's indented form.
            Console.Out.WriteLine(JsonSerializer.Serialize(item, SwitchyardJson.Options));
            return;
        }
        var c = output.Console;
        if (item.Kind == FeedItemKind.Gap)
        {
            c.MarkupLine($"[yellow]{item.Dropped} update(s) were dropped (this terminal fell behind); re-read the runs[/]");
            return;
        }
        if (item.Run is not { } run) return;
        var what = item.Transition is null ? "now" : Markup.Escape(item.Transition);
        var step = item.StepName is null ? "" : $" [bold]{Markup.Escape(item.StepName)}[/]";
        var end = "";
        if (Finished(run))
        {
            end = $"  {Format.Duration(run.DurationMs)}";
            if (run.Output is { } o) end += $"  output {Format.Text(o, 80)}";
            if (run.Error is { } e) end += $"  [red]error[/] {Format.Text(e, 80)}";
        }
        c.MarkupLine($"{Format.Clock(item.At)}  {Markup.Escape(run.Id)}  {Markup.Escape(run.FunctionId)}  {Format.Status(run.Status)}  [grey]{what}[/]{step}{end}");
    }
}
