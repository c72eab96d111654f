using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Redis pub/sub between replicas: a webhook delivered to one replica reaches a live stream on another, and
/// queue wake-ups cross replicas.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RedisRelayTests(PostgresServer postgres)
{
    private const string Secret = "relay-secret";

    [Fact]
    public async Task A_delivery_on_one_replica_reaches_a_live_stream_on_another()
    {
        Assert.Null(postgres.Unavailable);
        await using var redis = await RedisServer.StartAsync();
        var url = await postgres.CreateDatabaseAsync();
        void Configure(Switchyard.Configuration.ServerOptions o)
        {
            o.Store = url;
            o.Redis = redis.Url;
            o.Webhooks.GithubSecret = Secret;
        }
        await using var a = await TestServer.StartAsync(Configure);
        await using var b = await TestServer.StartAsync(Configure);

        using var subscribe = await b.Http.PostAsJsonAsync("/v1/webhooks/subscriptions", new { provider = "github", @event = "workflow_run.*", ttl = "1m" });
        var id = (await subscribe.Content.ReadFromJsonAsync<JsonObject>())!["subscription"]!["id"]!.GetValue<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await b.Http.GetAsync($"/v1/webhooks/subscriptions/{id}/stream?replay=0", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var items = SseParser.Create(body).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        do Assert.True(await items.MoveNextAsync()); while (items.Current.EventType != "ready");

        var delivery = Guid.NewGuid().ToString();
        var payload = Deliveries.Json(new { action = "completed", workflow_run = new { name = "CI" }, repository = new { full_name = "acme/relay" } });
        var (status, _, text, _) = await Deliveries.PostAsync(a.Http, "github", payload,
            ("X-GitHub-Event", "workflow_run"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", Deliveries.Github(Secret, payload)));
        Assert.True(status == HttpStatusCode.OK, text);

        do Assert.True(await items.MoveNextAsync(), "stream ended"); while (items.Current.EventType != "delivery");
        Assert.Equal(delivery, JsonNode.Parse(items.Current.Data)!["id"]!.GetValue<string>());
        await items.DisposeAsync();
    }
}
