using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchyard.Client;
using Switchyard.Client.Models;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task The_client_reads_the_feed_filtered_by_event()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>().AddFunction<BigOrders>());
        using var client = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = server.Url });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var items = client.FeedAsync(new FeedFilter(EventPrefix: "dash/order"), cts.Token).GetAsyncEnumerator(cts.Token);
        var first = items.MoveNextAsync();
        // The subscription exists once the server answers; wait for it before sending.
        await Eventually.TrueAsync(() => Task.FromResult(server.Services.GetRequiredService<LiveFeed>().SubscriberCount > 0), "the client to subscribe");

        await server.SendEventAsync("dash/hello", new { name = "not this one" });
        var eventId = await server.SendEventAsync("dash/order", new { amount = 1 });

        Assert.True(await first);
        Assert.Equal(FeedItemKind.Event, items.Current.Kind);
        Assert.Equal(eventId, items.Current.Event!.Id);
        Assert.Equal(1, items.Current.Event.Data!["amount"]!.GetValue<int>());
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
    public async Task The_openapi_document_describes_the_feed_and_its_item()
    {
        await using var server = await TestServer.StartAsync();
        var document = await server.GetAsync("/openapi/v1.json");
        var feed = document["paths"]!["/v1/feed"]!["get"]!;
        Assert.Equal(["kind", "function", "event", "prefix"], feed["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.NotNull(feed["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.NotNull(document["components"]!["schemas"]!["FeedItem"]);
        Assert.Null(document["paths"]!["/ui/feed"]);
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
