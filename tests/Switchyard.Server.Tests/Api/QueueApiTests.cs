using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using SwitchyardClient = Switchyard.Client.SwitchyardClient;

namespace Switchyard.Server.Tests;

/// <summary>The work queue through <c>/v1/queue</c> on a real server: emit, dedup, pause/resume with dispatch order,
/// a pause that ends by itself, why, stats, unknown families, and the http handler's concurrency and retries.</summary>
public class QueueApiTests
{
    /// <summary>Starts the server under test (SQLite here; PostgreSQL in <c>PostgresQueueApiTests</c>).</summary>
    protected virtual Task<TestServer> CreateServerAsync(Action<ServerOptions> configure) => TestServer.StartAsync(configure);

    private static SwitchyardClient Client(TestServer server) =>
        new(new SwitchyardClientOptions { ServerUrl = server.Url, Timeout = TimeSpan.FromSeconds(30) });

    private Task<TestServer> StartAsync(Action<QueueOptions> queue) => CreateServerAsync(o =>
    {
        o.Queue.Families["jobs"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Event, Event = "work/job", DedupWindow = TimeSpan.FromMinutes(1), DedupPath = "key" };
        queue(o.Queue);
    });

    private static Task<QueueItemView> UntilStateAsync(SwitchyardClient client, string id, string state) =>
        Eventually.GetAsync(async () => await client.QueueItemAsync(id) is { } item && item.State == state ? item : null, $"queue item {id} {state}", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Emit_dedup_pause_why_resume_and_stats_over_REST()
    {
        await using var server = await StartAsync(_ => { });
        using var client = Client(server);

        // An unknown family: 400 listing the known ones, nothing stored.
        using (var refused = await server.Http.PostAsJsonAsync("/v1/queue/jbos", new { data = new { } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
            Assert.Equal("unknown_family", error["code"]!.GetValue<string>());
            Assert.Contains("known families: jobs", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Empty((await client.QueueListAsync()).Items);

        var pause = await client.QueuePauseAsync("jobs", new QueuePauseRequest("1h", "deploy"));
        Assert.Equal("deploy", pause.Reason);
        var low = await client.QueueEmitAsync("jobs", new QueueEmitRequest(new JsonObject { ["key"] = "a" }, "P3"));
        var urgent = await client.QueueEmitAsync("jobs", new QueueEmitRequest(new JsonObject { ["key"] = "b" }, "P0"));
        var again = await client.QueueEmitAsync("jobs", new QueueEmitRequest(new JsonObject { ["key"] = "a" }, "P0"));
        Assert.Equal((low.Id, true), (again.Id, again.Deduplicated));
        Assert.Equal(2, (await client.QueueListAsync(family: "jobs")).Items.Count);

        var why = (await client.QueueItemAsync(low.Id)).Why!;
        Assert.Contains(why, w => w.Code == "paused" && w.Message.Contains("deploy", StringComparison.Ordinal));
        Assert.Contains(why, w => w.Code == "behind" && w.Message.StartsWith("waiting behind 1 item(s) of higher priority", StringComparison.Ordinal));
        Assert.Contains(why, w => w.Code == "deduplicated");
        var stats = (await client.QueueStatsAsync()).Families.Single(f => f.Family == "jobs");
        Assert.Equal((2L, 1L, 1L, "deploy"), (stats.Depth, stats.Priorities[0].Depth, stats.Priorities[3].Depth, stats.Pause?.Reason));

        Assert.True((await client.QueueResumeAsync("jobs")).Resumed);
        var first = await UntilStateAsync(client, urgent.Id, "done");
        var second = await UntilStateAsync(client, low.Id, "done");
        Assert.True(first.DispatchedAt <= second.DispatchedAt);
        var events = (await client.ListEventsAsync(prefix: "work/job")).Events;
        Assert.Equal(["queue:" + urgent.Id, "queue:" + low.Id], events.Select(e => e.Id).Reverse());
        Assert.Equal("dispatched", (await client.QueueItemAsync(low.Id)).Why!.Last().Code);
        Assert.Equal(2, (await client.QueueStatsAsync()).Families.Single(f => f.Family == "jobs").DispatchedLastMinute);

        // A short pause ends by itself and the item is dispatched.
        await client.QueuePauseAsync("jobs", new QueuePauseRequest("300ms", "blip"));
        var held = await client.QueueEmitAsync("jobs", new QueueEmitRequest(new JsonObject { ["key"] = "c" }));
        await UntilStateAsync(client, held.Id, "done");
        Assert.Null((await client.QueueStatsAsync()).Families.Single(f => f.Family == "jobs").Pause);

        var topology = await server.GetAsync("/v1/topology");
        Assert.Equal("event", topology["queue"]![0]!["handler"]!.GetValue<string>());
        Assert.Contains(topology["edges"]!.AsArray(), e => e!["fromKind"]!.GetValue<string>() == "queue" && e["to"]!.GetValue<string>() == "work/job");
    }

    [Fact]
    public async Task An_http_family_with_concurrency_1_never_has_two_items_active_and_retries_a_failed_answer()
    {
        var active = 0;
        var maxActive = 0;
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<JsonObject>();
        var failedOnce = 0;
        var (hook, url) = await StubHost.StartAsync(app => app.MapPost("/hook", async (HttpContext http) =>
        {
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxActive, now);
            try
            {
                var body = (await http.Request.ReadFromJsonAsync<JsonObject>())!;
                bodies.Enqueue(body);
                await Task.Delay(100);
                // The item named "flaky" fails its first attempt.
                return body["data"]!["name"]!.GetValue<string>() == "flaky" && Interlocked.Exchange(ref failedOnce, 1) == 0
                    ? Results.StatusCode(503)
                    : Results.Ok();
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }));
        await using var _ = hook;
        await using var server = await StartAsync(q => q.Families["hooks"] = new QueueFamilyOptions
        {
            Handler = QueueHandlerKind.Http, Url = new Uri(url, "/hook").ToString(), Concurrency = 1, Headers = { ["X-Test"] = "1" },
        });
        using var client = Client(server);

        var ids = new List<string>();
        foreach (var name in new[] { "a", "flaky", "b", "c" })
            ids.Add((await client.QueueEmitAsync("hooks", new QueueEmitRequest(new JsonObject { ["name"] = name }))).Id);
        foreach (var id in ids) await UntilStateAsync(client, id, "done");

        Assert.Equal(1, maxActive);
        Assert.Equal(5, bodies.Count);
        var flaky = await client.QueueItemAsync(ids[1]);
        Assert.Equal((2, "HTTP 200"), (flaky.Attempt, flaky.Result));
        var sent = bodies.First();
        Assert.Equal(("hooks", ids[0], "P2"), (sent["family"]!.GetValue<string>(), sent["id"]!.GetValue<string>(), sent["priority"]!.GetValue<string>()));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = target; value > seen; seen = target)
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}
