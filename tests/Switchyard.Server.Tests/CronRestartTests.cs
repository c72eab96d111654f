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
        await server.DisposeAsync();
        var lastBeforeStop = (await ScheduledAsyncFrom(dataDir)).Max();
        await Task.Delay(3500);
        var restartedAt = DateTimeOffset.UtcNow;
        await using var again = await TestServer.StartAsync(o => o.Port = 0, dataDir);
        await WaitForFiresAsync(again, 1, after: restartedAt);
        var all = await ScheduledAsync(again);

        Assert.Equal(all.Count, all.Distinct().Count());
        // Ticks of the downtime: the three or so before the newest were skipped, and the newest fired exactly once.
        // An implementation that skipped every missed tick (and only fired the first ordinary tick after the restart,
        // scheduled after restartedAt) fails here, as does one that fired them all.
        var missed = all.Where(t => t > lastBeforeStop && t <= restartedAt).ToList();
        var newest = Assert.Single(missed);
        Assert.True(restartedAt - newest <= TimeSpan.FromSeconds(1), $"the missed tick that fired ({newest:O}) must be the newest before the restart ({restartedAt:O})");
    }

    /// <summary>The fires recorded in a stopped server's store (opening it would start the ticker and fire now).</summary>
    private static Task<List<DateTimeOffset>> ScheduledAsyncFrom(string dataDir) => StoreFile.QueryAsync(dataDir,
        "SELECT body FROM events WHERE id LIKE 'cron:cronrs-every-second:%'",
        body => DateTimeOffset.Parse(System.Text.Json.Nodes.JsonNode.Parse(body)!["data"]!["scheduledAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));

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
