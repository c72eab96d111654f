using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Engine.Feed;
using Switchyard.Gateway.Stream;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary>The stream's <c>events</c> and <c>runs</c> topics come from the server's live feed, not from polling, and
/// survive the server going away: what happened while the gateway was disconnected reaches the clients once.</summary>
public sealed class BusFeedTests
{
    [Fact]
    public async Task Stream_clients_get_each_event_once_across_a_server_restart()
    {
        var server = await TestServer.StartAsync();
        try
        {
            await using var gateway = await GatewayHost.StartAsync(server, """
                [channels.dev]
                type = "file"
                """);
            await using var client = await StreamListener.ConnectAsync(gateway, "topic=events:feedtest/");
            await WaitForFeedSubscriberAsync(server, gateway);

            var before = await server.SendOneAsync(new { name = "feedtest/before", data = new { } });
            Assert.Equal(before, (await client.NextAsync(IsEvent))["data"]!["id"]!.GetValue<string>());

            var port = server.Url.Port;
            var dataDir = server.DataDir;
            await server.DisposeAsync();
            server = await TestServer.StartAsync(o => o.Port = port, dataDir);
            // Sent at once, most likely before the gateway is back on the feed: it must come from the catch-up read.
            var during = await server.SendOneAsync(new { name = "feedtest/during", data = new { } });
            await WaitForFeedSubscriberAsync(server, gateway);
            var after = await server.SendOneAsync(new { name = "feedtest/after", data = new { } });

            var seen = new List<JsonObject>();
            while (!seen.Any(m => Id(m) == after)) seen.Add(await client.NextAsync(IsEvent));
            // A repeat would arrive right behind the original; give it a moment to show.
            await Task.Delay(500);
            seen.AddRange(client.Drain().Where(IsEvent));
            Assert.True(seen.Select(Id).SequenceEqual([during, after]),
                $"expected during {during} then after {after}, got: {string.Join(", ", seen.Select(m => m["topic"] + " " + Id(m) + " seq " + m["data"]!["seq"]))}");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Run_changes_reach_stream_clients_from_the_feed()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, """
            [channels.dev]
            type = "file"
            """);
        await using var client = await StreamListener.ConnectAsync(gateway, "topic=runs:gateway-");
        await WaitForFeedSubscriberAsync(server, gateway);

        await server.SendOneAsync(Platforms.Notify("progress", "x", "c-feed"));
        var completed = await client.NextAsync(m => m["type"]!.GetValue<string>() == "run" && m["data"]!["status"]!.GetValue<string>() == "Completed");
        Assert.Equal("run:gateway-deliver", completed["topic"]!.GetValue<string>());
        Assert.NotEqual("Completed", completed["data"]!["previousStatus"]?.GetValue<string>());
    }

    [Fact]
    public async Task After_the_server_goes_away_the_watcher_reconnects_on_its_backoff_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await TestServer.StartAsync();
        try
        {
            await using var gateway = await GatewayHost.StartAsync(server, """
                [channels.dev]
                type = "file"
                """, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
            await using var client = await StreamListener.ConnectAsync(gateway, "topic=events:feedtest/");
            // The watcher looks for subscribers on its clock.
            await SubscribedOnClockAsync(server, clock);

            var port = server.Url.Port;
            var dataDir = server.DataDir;
            await server.DisposeAsync();
            server = await TestServer.StartAsync(o => o.Port = port, dataDir);
            var during = await server.SendOneAsync(new { name = "feedtest/during", data = new { } });
            // Waiting out the backoff is the clock's business, not the wall's: until it moves, no reconnection.
            await Task.Delay(1000);
            Assert.Equal(0, server.Services.GetRequiredService<LiveFeed>().SubscriberCount);
            await SubscribedOnClockAsync(server, clock);
            Assert.Equal(during, (await client.NextAsync(IsEvent))["data"]!["id"]!.GetValue<string>());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static Task SubscribedOnClockAsync(TestServer server, FakeTimeProvider clock) =>
        Eventually.TrueAsync(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            return Task.FromResult(server.Services.GetRequiredService<LiveFeed>().SubscriberCount > 0);
        }, "the gateway to subscribe to the server's feed as its clock advances");

    private static bool IsEvent(JsonObject m) => m["type"]!.GetValue<string>() == "event";

    private static string Id(JsonObject m) => m["data"]!["id"]!.GetValue<string>();

    /// <summary>The gateway watches the bus through <c>GET /v1/feed</c> (the server counts it as a feed subscriber),
    /// and has read the lists once, so what is sent from now on is new to it.</summary>
    private static Task WaitForFeedSubscriberAsync(TestServer server, GatewayHost gateway) =>
        Eventually.TrueAsync(() => Task.FromResult(server.Services.GetRequiredService<LiveFeed>().SubscriberCount > 0
            && gateway.Services.GetRequiredService<BusWatcher>().Connected), "the gateway to subscribe to the server's feed and catch up");
}
