using Switchyard.Cli.Commands;
using Switchyard.Cli.Output;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Cli.Live;

/// <summary><c>yard runs --watch</c>: the runs table, then every run change from the server's live feed that passes
/// the same filters, until Ctrl-C.</summary>
internal static class RunWatcher
{
    /// <summary>Prints the runs and then their changes until <paramref name="ct"/> is cancelled; returns the exit code.</summary>
    public static async Task<int> WatchAsync(SwitchyardClient client, CommandOutput output, string? status, string? functionId, double? hours, int? count, CancellationToken ct)
    {
        try
        {
            // Subscribed before the list is read, so a change between the two is not lost.
            await using var feed = await client.OpenFeedAsync(new FeedFilter(FeedItemKind.Run, FunctionId: functionId), ct);
            var runs = (await client.ListRunsAsync(status, functionId, hours, count, ct)).Runs;
            if (output.Json)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var run in runs.Reverse()) RunLines.Print(output, RunLines.Snapshot(run, now));
            }
            else
            {
                RunCommands.Table(output.Console, runs);
                Console.Error.WriteLine("watching for run changes (Ctrl-C to stop)");
            }
            await foreach (var item in feed.ReadAllAsync(ct))
            {
                // The feed filters by function only; the status filter is the CLI's, on the run's new status.
                if (status is not null && item.Run is { } run && !string.Equals(run.Status, status, StringComparison.OrdinalIgnoreCase)) continue;
                RunLines.Print(output, item);
            }
            throw new CliException("stream_closed", "the server closed the feed", "start watching again with `yard runs --watch`");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
