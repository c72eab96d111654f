using Microsoft.Data.Sqlite;
using Switchyard.Engine.Model;
using Switchyard.Engine.Retention;
using Switchyard.Testing;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>Retention on the fake clock: under a steady load the store stops growing.</summary>
public sealed class RetentionTests
{
    private static readonly string[] Tables = ["runs", "events", "history", "steps", "decisions"];

    [Fact]
    public async Task Under_one_run_per_second_the_stores_row_counts_stay_flat()
    {
        // Five compressed minutes at 1 run/s, runs and events kept one minute, a sweep every 10 s.
        await using var host = await EngineHost.StartAsync(EngineHost.Function("steady", "steady/tick"), _ => AppAnswer.Done(null), o =>
        {
            o.Retention.Completed = TimeSpan.FromMinutes(1);
            o.Retention.Events = TimeSpan.FromMinutes(1);
            o.DedupWindow = TimeSpan.FromMinutes(1);
            o.Retention.Slice = 50;
        });
        var sweeper = host.Get<RetentionSweeper>();
        var samples = new List<Dictionary<string, long>>();
        for (var second = 1; second <= 300; second++)
        {
            await host.SendAsync("steady/tick");
            host.Advance(TimeSpan.FromSeconds(1));
            if (second % 10 != 0) continue;
            await Eventually.TrueAsync(async () => await CountAsync(host, $"SELECT COUNT(*) FROM runs WHERE status <> '{RunStatus.Completed.ToWire()}'") == 0,
                "every run so far completed", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
            await sweeper.SweepAsync(CancellationToken.None);
            // After the first retention period plus one sweep, the store should hold about one minute of work.
            if (second >= 80) samples.Add(await CountsAsync(host));
        }

        var seen = string.Join("\n", samples.Select(s => string.Join(" ", s.Select(kv => $"{kv.Key}={kv.Value}"))));
        foreach (var sample in samples)
        {
            // One minute of runs plus the up to 10 s since the last sweep, never the 300 sent. Each run has its trigger
            // and the function.finished event it raised; the other tables grow by a fixed number of rows per run.
            Assert.True(sample["runs"] is >= 55 and <= 71, seen);
            Assert.True(sample["events"] <= 2 * 71, seen);
            foreach (var table in Tables) Assert.True(sample[table] <= samples[0][table] * 71 / 55, seen);
        }
        Assert.Equal(samples[0]["runs"], samples[^1]["runs"]);
    }

    private static async Task<Dictionary<string, long>> CountsAsync(EngineHost host)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables) counts[table] = await CountAsync(host, $"SELECT COUNT(*) FROM {table}");
        return counts;
    }

    private static async Task<long> CountAsync(EngineHost host, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(host.DataDir, "switchyard.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
