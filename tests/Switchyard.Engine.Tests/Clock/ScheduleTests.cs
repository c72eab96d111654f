using System.Text.Json.Nodes;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>Cron and throttle on a fake clock: runs start when the clock reaches their tick or their throttled slot.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public async Task Cron_fires_on_its_tick_and_after_a_long_gap_fires_only_the_newest_missed_tick_once()
    {
        var fn = new JsonObject
        {
            ["id"] = "every-five",
            ["name"] = "every-five",
            ["triggers"] = new JsonArray(new JsonObject { ["cron"] = "*/5 * * * *" }),
            ["steps"] = EngineHost.Function("x", "x")["steps"]!.DeepClone(),
        };
        await using var host = await EngineHost.StartAsync(fn, call => AppAnswer.Done(call.Body["event"]!["data"]!["scheduledAt"]!.DeepClone()));
        await host.StartCronAsync();   // the clock is at 00:00:00: the schedule is seen, nothing fires for the past

        host.Advance(TimeSpan.FromMinutes(4));
        await host.SettleAsync();
        Assert.Empty(host.Calls);

        host.Advance(TimeSpan.FromMinutes(1));
        var first = (await host.RunsAsync("every-five"))[0];
        await host.UntilStatusAsync(first.Id, RunStatus.Completed);
        Assert.StartsWith("\"2026-01-01T00:05:00", (await host.Store.Reader.GetRunAsync(first.Id, CancellationToken.None))!.Output, StringComparison.Ordinal);

        // 20 minutes pass at once (a stopped server, a suspended laptop): 00:10 … 00:25 were missed; only 00:25 fires.
        host.Advance(TimeSpan.FromMinutes(20));
        var runs = await host.RunsAsync("every-five", 2);
        await host.UntilStatusAsync(runs[1].Id, RunStatus.Completed);
        await host.SettleAsync();
        Assert.Equal(2, (await host.Store.Reader.ListRunsAsync(null, "every-five", null, 10, CancellationToken.None)).Count);
        Assert.StartsWith("\"2026-01-01T00:25:00", (await host.Store.Reader.GetRunAsync(runs[1].Id, CancellationToken.None))!.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_five_field_cron_with_TZ_fires_at_the_zone_local_time()
    {
        // 03:00 in Paris is 02:00 UTC in winter (2026-01-01). A schedule read as UTC would fire an hour later.
        var fn = new JsonObject
        {
            ["id"] = "paris-three",
            ["name"] = "paris-three",
            ["triggers"] = new JsonArray(new JsonObject { ["cron"] = "TZ=Europe/Paris 0 3 * * *" }),
            ["steps"] = EngineHost.Function("x", "x")["steps"]!.DeepClone(),
        };
        await using var host = await EngineHost.StartAsync(fn, call => AppAnswer.Done(call.Body["event"]!["data"]!["scheduledAt"]!.DeepClone()));
        await host.StartCronAsync();

        host.Advance(TimeSpan.FromHours(1.99));
        await host.SettleAsync();
        Assert.Empty(host.Calls);

        host.Advance(TimeSpan.FromHours(0.01));
        var run = (await host.RunsAsync("paris-three"))[0];
        await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        var output = (await host.Store.Reader.GetRunAsync(run.Id, CancellationToken.None))!.Output!;
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(JsonNode.Parse(output)!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        // And not again until the next day's 03:00 Paris.
        host.Advance(TimeSpan.FromHours(23.9));
        await host.SettleAsync();
        Assert.Single(host.Calls);
    }

    [Fact]
    public async Task Throttle_spaces_run_starts_by_its_period_on_the_clock()
    {
        var fn = EngineHost.Function("metered", "t/metered", new JsonObject { ["throttle"] = new JsonObject { ["limit"] = 1, ["period"] = "1m" } });
        await using var host = await EngineHost.StartAsync(fn, _ => AppAnswer.Done(JsonValue.Create("ok")));
        await host.SendAsync("t/metered");
        await host.SendAsync("t/metered");
        await host.SendAsync("t/metered");
        var runs = await host.RunsAsync("metered", 3);
        await host.UntilStatusAsync(runs[0].Id, RunStatus.Completed);
        await host.SettleAsync();
        Assert.Single(host.Calls);

        host.Advance(TimeSpan.FromSeconds(59));
        await host.SettleAsync();
        Assert.Single(host.Calls);

        host.Advance(TimeSpan.FromSeconds(1));
        await Until(() => host.Calls.Count == 2);
        host.Advance(TimeSpan.FromMinutes(1));
        await Until(() => host.Calls.Count == 3);
        var calls = host.Calls.ToArray();
        Assert.Equal(TimeSpan.FromMinutes(1), calls[1].At - calls[0].At);
        Assert.Equal(TimeSpan.FromMinutes(1), calls[2].At - calls[1].At);
    }

    private static Task Until(Func<bool> condition) =>
        Switchyard.Testing.Eventually.TrueAsync(() => Task.FromResult(condition()), "the next throttled call", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
}
