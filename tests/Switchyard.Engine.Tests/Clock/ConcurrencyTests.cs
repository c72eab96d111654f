using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Protocol.Calls;
using Switchyard.Testing;

namespace Switchyard.Engine.Tests.Clock;

/// <summary>Concurrency limits the flow-control suite does not cover: a sleeping run holds no slot, several limits on
/// one function all hold, and a limit's scope (fn, account) decides which functions share it. Calls are held open
/// by the in-memory app until the test releases them, so "active" is real, and nothing waits on a timer.</summary>
public sealed class ConcurrencyTests
{
    /// <summary>An app whose calls stay in progress until released, counting how many are active per key.</summary>
    private sealed class HeldCalls
    {
        private readonly SemaphoreSlim _release = new(0);
        private readonly ConcurrentDictionary<string, int> _active = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _max = new(StringComparer.Ordinal);

        public int Max(string key) => _max.GetValueOrDefault(key);

        public int Active(string key) => _active.GetValueOrDefault(key);

        public void Release(int count) => _release.Release(count);

        public AppAnswer Answer(AppCall call, params string[] keys)
        {
            foreach (var key in keys.Append("*"))
            {
                var now = _active.AddOrUpdate(key, 1, (_, n) => n + 1);
                _max.AddOrUpdate(key, now, (_, m) => Math.Max(m, now));
            }
            try
            {
                // Held until the test releases it (bounded, so a broken test fails instead of hanging).
                _release.Wait(TimeSpan.FromSeconds(20));
                return AppAnswer.Done(JsonValue.Create("done"));
            }
            finally
            {
                foreach (var key in keys.Append("*")) _active.AddOrUpdate(key, 0, (_, n) => n - 1);
            }
        }
    }

    private static string User(AppCall call) => call.Body["event"]!["data"]!["user"]!.GetValue<string>();

    [Fact]
    public async Task A_sleeping_run_holds_no_concurrency_slot()
    {
        var fn = EngineHost.Function("nap", "t/nap", new JsonObject { ["concurrency"] = new JsonArray(new JsonObject { ["limit"] = 1 }) });
        await using var host = await EngineHost.StartAsync(fn,
            call => call.Steps.Count == 0 ? AppAnswer.Op(OpCode.Sleep, "nap", new JsonObject { ["duration"] = "1h" }) : AppAnswer.Done(JsonValue.Create("up")));
        await host.SendAsync("t/nap");
        await host.SendAsync("t/nap");
        var runs = await host.RunsAsync("nap", 2);
        // Both are asleep at once, on the same clock instant: the first one's sleep did not keep the second waiting.
        await host.UntilHistoryAsync(runs[0].Id, HistoryKind.SleepStarted);
        await host.UntilHistoryAsync(runs[1].Id, HistoryKind.SleepStarted);
        host.Advance(TimeSpan.FromHours(1));
        await host.UntilStatusAsync(runs[0].Id, RunStatus.Completed);
        await host.UntilStatusAsync(runs[1].Id, RunStatus.Completed);
    }

    [Fact]
    public async Task Several_limits_on_one_function_all_hold()
    {
        var held = new HeldCalls();
        var fn = EngineHost.Function("multi", "t/multi", new JsonObject
        {
            ["concurrency"] = new JsonArray(new JsonObject { ["limit"] = 2 }, new JsonObject { ["limit"] = 1, ["key"] = "event.data.user" }),
        });
        await using var host = await EngineHost.StartAsync(fn, call => held.Answer(call, User(call)));
        foreach (var user in new[] { "ada", "ada", "ada", "bob", "bob", "cy" })
            await host.SendAsync("t/multi", new JsonObject { ["user"] = user });
        var runs = await host.RunsAsync("multi", 6);
        for (var done = 0; done < 6;)
        {
            await Eventually.TrueAsync(() => Task.FromResult(held.Active("*") == Math.Min(2, 6 - done)), "the calls the limits allow to be in progress");
            await host.SettleAsync();
            Assert.True(held.Active("*") <= 2);
            held.Release(1);
            done++;
        }
        foreach (var run in runs) await host.UntilStatusAsync(run.Id, RunStatus.Completed);
        Assert.Equal(2, held.Max("*"));
        Assert.Equal(1, held.Max("ada"));
        Assert.Equal(1, held.Max("bob"));
    }

    [Fact]
    public async Task An_account_scoped_limit_is_shared_by_functions_and_a_function_scoped_one_is_not()
    {
        var held = new HeldCalls();
        JsonObject Limited(string id, string scope) => EngineHost.Function(id, "t/scoped", new JsonObject
        {
            ["concurrency"] = new JsonArray(new JsonObject { ["limit"] = 1, ["key"] = "'shared'", ["scope"] = scope }),
        });
        await using var host = await EngineHost.StartAsync(Limited("one", "account"), call => held.Answer(call));
        await host.RegisterAsync(Limited("one", "account"), Limited("two", "account"));
        await host.SendAsync("t/scoped");
        var runsOne = await host.RunsAsync("one");
        var runsTwo = await host.RunsAsync("two");
        await Eventually.TrueAsync(() => Task.FromResult(held.Active("*") == 1), "one call in progress");
        await host.SettleAsync();
        Assert.Equal(1, held.Active("*"));
        held.Release(2);
        await host.UntilStatusAsync(runsOne[0].Id, RunStatus.Completed);
        await host.UntilStatusAsync(runsTwo[0].Id, RunStatus.Completed);
        Assert.Equal(1, held.Max("*"));
    }
}
