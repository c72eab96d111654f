using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Engine.Feed;

namespace Switchyard.Dashboard.Tests;

/// <summary><c>GET /v1/feed</c>: new events and run transitions as Server-Sent Events, behind the API token, filtered,
/// with a bounded buffer per subscriber.</summary>
public sealed class FeedTests
{
    [Fact]
    public async Task The_feed_streams_an_event_and_the_transitions_of_the_run_it_starts()
    {
        await using var server = await Production.StartAsync();
        await using var app = await TestApp.StartAsync(server.Url, "dash", f => f.AddFunction<Greeter>(), configure: o =>
        {
            o.SigningKey = server.Options.SigningKey;
            o.EventKey = server.EventKey;
        }, sync: false);
        server.UseApiToken();
        await server.SyncAsync(app.ServeUrl);
        using var feed = new HttpClient { BaseAddress = server.Url, Timeout = Timeout.InfiniteTimeSpan };
        feed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Production.ApiToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await feed.GetAsync("/v1/feed?function=dash-greeter", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal(": subscribed", await reader.ReadLineAsync(cts.Token));

        var eventId = await server.SendEventAsync("dash/hello", new { name = "Feed" });

        var transitions = new List<string>();
        await foreach (var item in Items(reader, cts.Token))
        {
            Assert.Equal(FeedItemKind.Run, item.Kind);
            Assert.Equal("dash-greeter", item.Run!.FunctionId);
            Assert.Equal(eventId, item.Run.EventId);
            transitions.Add(item.Transition!);
            if (item.Transition == "run.completed") break;
        }
        Assert.Equal("run.scheduled", transitions[0]);
        Assert.Contains("sleep.started", transitions);
    }

    [Fact]
    public async Task The_feed_needs_the_api_token_outside_dev_mode_and_refuses_an_unknown_kind()
    {
        await using var server = await Production.StartAsync();
        using var anonymous = await server.Http.GetAsync("/v1/feed", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        server.UseApiToken();
        using var bad = await server.Http.GetAsync("/v1/feed?kind=bogus", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("kind", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_loses_its_oldest_items_and_is_told_how_many()
    {
        var feed = new LiveFeed();
        using var subscription = feed.Subscribe(new FeedFilter(FeedItemKind.Event), capacity: 2);
        for (var i = 0; i < 5; i++) feed.Publish(Event(i));
        feed.Publish(new FeedItem(FeedItemKind.Run, 9, null, null, "run.started", null, null));

        var read = new List<FeedItem>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await foreach (var item in subscription.ReadAllAsync(cts.Token))
        {
            read.Add(item);
            if (read.Count == 3) break;
        }

        Assert.Equal(FeedItemKind.Gap, read[0].Kind);
        Assert.Equal(3, read[0].Dropped);
        Assert.Equal(["e3", "e4"], read.Skip(1).Select(i => i.Event!.Id));
    }

    private static FeedItem Event(int i) => new(FeedItemKind.Event, i, new EventView($"e{i}", i, "dash/x", i, i, "api", null, null), null, null, null, null);

    private static async IAsyncEnumerable<FeedItem> Items(StreamReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                yield return JsonSerializer.Deserialize<FeedItem>(line["data: ".Length..], SwitchyardJson.Options)!;
    }
}
