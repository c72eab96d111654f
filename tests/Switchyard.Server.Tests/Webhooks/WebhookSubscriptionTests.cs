using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class WebhookSubscriptionTests : IAsyncLifetime
{
    private const string Secret = "subscription-secret";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonObject> SubscribeAsync(object request)
    {
        using var response = await _server.Http.PostAsJsonAsync("/v1/webhooks/subscriptions", request);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["subscription"]!.AsObject();
    }

    private async Task<string> DeliverRunAsync(string repo, string conclusion)
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "completed", workflow_run = new { name = "CI", conclusion }, repository = new { full_name = repo } });
        var (status, _, text, _) = await Deliveries.PostAsync(_server.Http, "github", body,
            ("X-GitHub-Event", "workflow_run"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.True(status == HttpStatusCode.OK, text);
        return delivery;
    }

    [Fact]
    public async Task Subscribe_list_and_history_keep_only_matching_deliveries_since_the_subscription()
    {
        var repo = "acme/" + Guid.NewGuid().ToString("N")[..8];
        var before = await DeliverRunAsync(repo, "failure");
        var sub = await SubscribeAsync(new { provider = "github", @event = "workflow_run.completed", filters = new Dictionary<string, string> { ["repository.full_name"] = repo, ["workflow_run.conclusion"] = "failure" }, ttl = "2h" });
        var id = sub["id"]!.GetValue<string>();
        Assert.Equal("github/workflow_run.completed", sub["eventName"]!.GetValue<string>());
        var expiresIn = sub["expiresAt"]!.GetValue<long>() - sub["createdAt"]!.GetValue<long>();
        Assert.Equal(TimeSpan.FromHours(2).TotalMilliseconds, expiresIn);

        var failed = await DeliverRunAsync(repo, "failure");
        await DeliverRunAsync(repo, "success");
        await DeliverRunAsync("acme/other", "failure");
        var failedAgain = await DeliverRunAsync(repo, "failure");

        var listed = (await _server.GetAsync("/v1/webhooks/subscriptions"))["subscriptions"]!.AsArray();
        Assert.Contains(listed, s => s!["id"]!.GetValue<string>() == id);

        var history = (await _server.GetAsync($"/v1/webhooks/subscriptions/{id}/history"))["deliveries"]!.AsArray();
        Assert.Equal([failedAgain, failed], history.Select(e => e!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(history, e => e!["id"]!.GetValue<string>() == before);

        var capped = (await _server.GetAsync($"/v1/webhooks/subscriptions/{id}/history?count=1"))["deliveries"]!.AsArray();
        Assert.Equal(failedAgain, capped.Single()!["id"]!.GetValue<string>());
        using var tooMany = await _server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}/history?count={WebhookSubscriptions.MaxHistory + 1}");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task An_expired_subscription_is_gone_from_list_history_and_the_store()
    {
        var sub = await SubscribeAsync(new { provider = "github", @event = "push", ttl = "300ms" });
        var id = sub["id"]!.GetValue<string>();
        await Task.Delay(500);
        var listed = (await _server.GetAsync("/v1/webhooks/subscriptions"))["subscriptions"]!.AsArray();
        Assert.DoesNotContain(listed, s => s!["id"]!.GetValue<string>() == id);
        using var history = await _server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}/history");
        Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
        // The next subscription prunes expired entries from the store itself.
        await SubscribeAsync(new { provider = "github", @event = "push", ttl = "1m" });
        var store = (Switchyard.Engine.Storage.IStore)_server.Services.GetService(typeof(Switchyard.Engine.Storage.IStore))!;
        var raw = await store.WriteAsync(tx => tx.KvGet(WebhookSubscriptions.Namespace, id));
        Assert.Null(raw);
    }

    [Fact]
    public async Task Unsubscribe_removes_a_subscription()
    {
        var id = (await SubscribeAsync(new { provider = "github", @event = "*" }))["id"]!.GetValue<string>();
        using (var response = await _server.Http.DeleteAsync($"/v1/webhooks/subscriptions/{id}"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var again = await _server.Http.PostAsync($"/v1/webhooks/subscriptions/{id}/unsubscribe", null))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    public static TheoryData<string, string> BadSubscriptions => new()
    {
        { """{"provider":"gitlab","event":"push"}""", "invalid_provider" },
        { """{"event":"push"}""", "missing_provider" },
        { """{"provider":"github"}""", "missing_event" },
        { """{"provider":"github","event":"a*b"}""", "invalid_event" },
        { """{"provider":"github","event":"push","ttl":"forever"}""", "invalid_ttl" },
        { """{"provider":"github","event":"push","ttl":"90d"}""", "invalid_ttl" },
        { """{"provider":"github","event":"push","filters":{"":"x"}}""", "invalid_filters" },
    };

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task A_bad_subscription_is_400_naming_the_field(string body, string code)
    {
        using var response = await _server.Http.PostAsync("/v1/webhooks/subscriptions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stream_replays_the_last_deliveries_then_sends_new_ones_live_then_ends_at_expiry()
    {
        var repo = "stream/" + Guid.NewGuid().ToString("N")[..8];
        var sub = await SubscribeAsync(new { provider = "github", @event = "workflow_run.*", filters = new Dictionary<string, string> { ["repository.full_name"] = repo }, ttl = "4s" });
        var id = sub["id"]!.GetValue<string>();
        var first = await DeliverRunAsync(repo, "failure");
        var second = await DeliverRunAsync(repo, "success");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await _server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}/stream?replay=1", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var items = SseParser.Create(body).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);

        async Task<SseItem<string>> NextAsync(params string[] skip)
        {
            while (true)
            {
                Assert.True(await items.MoveNextAsync(), "stream ended");
                if (!skip.Contains(items.Current.EventType)) return items.Current;
            }
        }

        var replayed = await NextAsync();
        Assert.Equal("delivery", replayed.EventType);
        Assert.Equal(second, JsonNode.Parse(replayed.Data)!["id"]!.GetValue<string>());
        Assert.True(JsonNode.Parse(replayed.Data)!["replayed"]!.GetValue<bool>());
        Assert.Equal("ready", (await NextAsync()).EventType);

        await DeliverRunAsync("elsewhere/repo", "failure");
        var live = await DeliverRunAsync(repo, "cancelled");
        var received = await NextAsync("ping");
        Assert.Equal("delivery", received.EventType);
        var data = JsonNode.Parse(received.Data)!;
        Assert.Equal(live, data["id"]!.GetValue<string>());
        Assert.Equal("github/workflow_run.completed", data["name"]!.GetValue<string>());
        Assert.False(data["replayed"]!.GetValue<bool>());

        var end = await NextAsync("ping");
        Assert.Equal("end", end.EventType);
        Assert.Equal("expired", JsonNode.Parse(end.Data)!["reason"]!.GetValue<string>());
        Assert.False(await items.MoveNextAsync());
        await items.DisposeAsync();
        Assert.NotEqual(first, live);
    }

    [Fact]
    public async Task A_subscription_lives_and_expires_by_the_servers_clock()
    {
        // Behind the wall clock, so a check against the wall would call the subscription expired at once.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret, services: s => s.AddSingleton<TimeProvider>(clock));
        using var created = await server.Http.PostAsJsonAsync("/v1/webhooks/subscriptions", new { provider = "github", @event = "push", ttl = "1h" });
        var sub = (await created.Content.ReadFromJsonAsync<JsonObject>())!["subscription"]!;
        var id = sub["id"]!.GetValue<string>();
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), sub["createdAt"]!.GetValue<long>());
        Assert.Equal(id, (await server.GetAsync($"/v1/webhooks/subscriptions/{id}"))["subscription"]!["id"]!.GetValue<string>());

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}/stream?replay=0", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        await using var items = SseParser.Create(body).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await items.MoveNextAsync());
        Assert.Equal("ready", items.Current.EventType);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}")).StatusCode);

        // An hour on the server's clock, no real waiting: the stream ends as expired and the subscription is gone.
        var ended = Task.Run<SseItem<string>?>(async () =>
        {
            while (await items.MoveNextAsync())
                if (items.Current.EventType == "end") return items.Current;
            return null;
        });
        clock.Advance(TimeSpan.FromMinutes(1));
        // The stream may be between two waits when the clock moves; nudging on lets its next wait time out too.
        while (!ended.IsCompleted)
        {
            await Task.WhenAny(ended, Task.Delay(50));
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        var end = await ended;
        Assert.NotNull(end);
        Assert.Equal("expired", JsonNode.Parse(end.Value.Data)!["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/v1/webhooks/subscriptions/{id}")).StatusCode);
        Assert.DoesNotContain((await server.GetAsync("/v1/webhooks/subscriptions"))["subscriptions"]!.AsArray(), s => s!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Providers_lists_each_provider_with_its_secret_state_and_url()
    {
        var providers = (await _server.GetAsync("/v1/webhooks/providers"))["providers"]!.AsArray();
        var github = providers.Single(p => p!["name"]!.GetValue<string>() == "github")!;
        Assert.True(github["secretConfigured"]!.GetValue<bool>());
        Assert.Equal(new Uri(_server.Url, "/webhooks/github").ToString(), github["url"]!.GetValue<string>());
        var stripe = providers.Single(p => p!["name"]!.GetValue<string>() == "stripe")!;
        Assert.False(stripe["secretConfigured"]!.GetValue<bool>());
        Assert.Contains("SWITCHYARD_WEBHOOKS__STRIPE_SECRET", stripe["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
