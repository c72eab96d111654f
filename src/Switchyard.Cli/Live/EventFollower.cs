using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Cli.Live;

/// <summary><c>yard send --follow</c>: after the event is stored, prints the runs it started as they move (from the
/// server's live feed), until every one has ended or the timeout passes.</summary>
internal static class EventFollower
{
    /// <summary>Follows the runs of <paramref name="eventId"/> and writes the final result; returns the exit code (0
    /// when every run completed).</summary>
    public static async Task<int> FollowAsync(SwitchyardClient client, CommandOutput output, JsonObject sent, string eventId, TimeSpan? timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) limit.CancelAfter(t);
        try
        {
            // Subscribed before the event's state is read: a change after the read is on the feed, one before it is in
            // the read, so none is missed (a few may be seen twice, which only repeats a line).
            await using var feed = await client.OpenFeedAsync(new FeedFilter(FeedItemKind.Run, EventId: eventId), limit.Token);
            var detail = await client.GetEventAsync(eventId, limit.Token);
            var runs = new Dictionary<string, RunView>(StringComparer.Ordinal);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var run in detail.Runs)
            {
                runs[run.Id] = run;
                RunLines.Print(output, RunLines.Snapshot(run, now));
            }
            // Batched and debounced decisions start their run later, maybe for another event: not waited for.
            var later = detail.Decisions.Where(d => d.RunId is null && d.Outcome is "batched" or "debounced").ToList();
            if (runs.Count == 0) return NoRuns(output, sent, eventId, detail.Decisions);
            if (!output.Json)
                foreach (var d in later) output.Console.MarkupLine($"[grey]{Markup.Escape(d.FunctionId)}: {Markup.Escape(d.Outcome)}, its run starts later (not followed)[/]");

            if (!runs.Values.All(RunLines.Finished))
            {
                var ended = false;
                await foreach (var item in feed.ReadAllAsync(limit.Token))
                {
                    if (item.Kind == FeedItemKind.Gap)
                    {
                        // Items were dropped: the event's runs as they are now stand in for them.
                        RunLines.Print(output, item);
                        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        foreach (var run in (await client.GetEventAsync(eventId, limit.Token)).Runs)
                            if (!runs.TryGetValue(run.Id, out var known) || known.Status != run.Status)
                            {
                                runs[run.Id] = run;
                                RunLines.Print(output, RunLines.Snapshot(run, at));
                            }
                    }
                    else if (item.Run is { } run && run.EventId == eventId)
                    {
                        // An end already shown (from the first read) is not shown again.
                        if (runs.TryGetValue(run.Id, out var known) && RunLines.Finished(known)) continue;
                        runs[run.Id] = run;
                        RunLines.Print(output, item);
                    }
                    if (runs.Values.All(RunLines.Finished))
                    {
                        ended = true;
                        break;
                    }
                }
                if (!ended) throw new CliException("stream_closed", $"the server closed the feed before the runs of {eventId} ended", $"see where they are with `yard event {eventId}`");
            }
            return Finish(output, sent, eventId, runs.Values.OrderBy(r => r.CreatedAt).ToList());
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CliException("follow_timeout", $"the runs of {eventId} had not all ended after {Switchyard.Configuration.ConfigDuration.Format(timeout!.Value)}",
                $"they go on without the CLI: `yard event {eventId}` shows where they are");
        }
    }

    private static int NoRuns(CommandOutput output, JsonObject sent, string eventId, IReadOnlyList<DecisionView> decisions)
    {
        sent["runs"] = new JsonArray();
        sent["decisions"] = System.Text.Json.JsonSerializer.SerializeToNode(decisions, SwitchyardJson.Options);
        return output.Success("send", sent, c =>
        {
            c.MarkupLine($"sent [bold]{Markup.Escape(sent["name"]!.GetValue<string>())}[/] id [green]{Markup.Escape(eventId)}[/]: [yellow]no run started[/]");
            if (decisions.Count == 0) c.MarkupLine("[grey]no function is triggered by this event name[/]");
            else
            {
                var table = Format.Table("function", "decision", "why");
                foreach (var d in decisions) table.AddRow(Markup.Escape(d.FunctionId), Markup.Escape(d.Outcome), Format.Text(d.Reason, 70));
                c.Write(table);
            }
        }, new NextAction($"yard why {eventId}", "why each function ran or not"));
    }

    private static int Finish(CommandOutput output, JsonObject sent, string eventId, List<RunView> runs)
    {
        sent["runs"] = System.Text.Json.JsonSerializer.SerializeToNode(runs, SwitchyardJson.Options);
        var unfinished = runs.Where(r => r.Status != "Completed").ToList();
        if (unfinished.Count > 0)
        {
            var first = unfinished[0];
            return output.Failure("send", new CliException("run_failed",
                $"{unfinished.Count} of {runs.Count} run(s) of event {eventId} did not complete: " + string.Join(", ", unfinished.Select(r => $"{r.FunctionId} {r.Status}")),
                $"see the failing step with `yard run {first.Id}`"), new NextAction($"yard run {first.Id}", "the run's step timeline and error"));
        }
        return output.Success("send", sent, c => c.MarkupLine($"[green]{runs.Count} run(s) completed[/]"),
            runs.Take(3).Select(r => new NextAction($"yard run {r.Id}", "the run's step timeline")).ToArray());
    }
}
