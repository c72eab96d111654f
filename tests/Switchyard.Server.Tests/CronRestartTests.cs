using System.Globalization;

namespace Switchyard.Server.Tests;

/// <summary>Cron across a server restart: ticks missed while down are not all fired; the newest fires once at start.</summary>
public sealed class CronRestartTests
{
    [Fact]
    public async Task Missed_ticks_fire_once_at_start_and_every_tick_fires_once()
    {
        var dataDir = TempDir.Create();
        var server = await TestServer.StartAsync(dataDir: dataDir);
        await using var app = await TestApp.StartAsync(server, "cronrs", sdk => sdk.AddFunction<EverySecond>());
        await WaitForFiresAsync(server, 2);
        var stoppedAt = DateTimeOffset.UtcNow;
        await server.DisposeAsync();
        await Task.Delay(3500);
        var restartedAt = DateTimeOffset.UtcNow;
        await using var again = await TestServer.StartAsync(o => o.Port = 0, dataDir);
        var fires = await WaitForFiresAsync(again, 1, after: restartedAt.AddSeconds(-1));
        await Task.Delay(1500);
        var all = await ScheduledAsync(again);

        Assert.Equal(all.Count, all.Distinct().Count());
        // Ticks strictly inside the downtime (more than a second before the restart) were skipped...
        Assert.DoesNotContain(all, t => t > stoppedAt.AddSeconds(0.5) && t < restartedAt.AddSeconds(-1.5));
        // ...and the newest missed tick fired at start.
        Assert.Contains(all, t => t >= restartedAt.AddSeconds(-1.5) && t <= restartedAt.AddSeconds(1.5));
        _ = fires;
    }

    private static async Task<List<DateTimeOffset>> ScheduledAsync(TestServer server) =>
        (await server.GetAsync("/v1/events?prefix=inngest/scheduled.timer&count=10000"))["events"]!.AsArray()
            .Where(e => e!["id"]!.GetValue<string>().StartsWith("cron:cronrs-every-second:", StringComparison.Ordinal))
            .Select(e => DateTimeOffset.Parse(e!["data"]!["scheduledAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();

    private static async Task<List<DateTimeOffset>> WaitForFiresAsync(TestServer server, int count, DateTimeOffset? after = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var fires = (await ScheduledAsync(server)).Where(t => after is null || t >= after).ToList();
            if (fires.Count >= count) return fires;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {fires.Count} cron fires");
            await Task.Delay(100);
        }
    }
}
