using System.Text.Json.Nodes;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Sdk;
using SwitchyardClient = Switchyard.Client.SwitchyardClient;

namespace Switchyard.Server.Tests;

/// <summary>The typed client against a real in-process server: events in, runs out, typed errors, KV and telemetry,
/// and that the records read back exactly the JSON the server wrote.</summary>
public sealed class SwitchyardClientTests
{
    private static SwitchyardClient Client(TestServer server, string? apiToken = null, string eventKey = "test") =>
        new(new SwitchyardClientOptions { ServerUrl = server.Url, ApiToken = apiToken, EventKey = eventKey, Timeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task Sends_events_and_reads_runs_and_history_as_records()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "client-app", f => f.AddFunction<Greeter>());
        using var client = Client(server);

        var sent = await client.SendEventsAsync(new JsonObject { ["name"] = "client/greet", ["data"] = new JsonObject { ["name"] = "Ada" } });
        Assert.Equal(200, sent.Status);
        var eventId = Assert.Single(sent.Ids);

        RunDetail? detail = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            var runs = (await client.ListRunsAsync(functionId: "client-app-greeter")).Runs;
            if (runs.FirstOrDefault() is { Status: "Completed" } run) { detail = await client.GetRunAsync(run.Id); break; }
        }
        Assert.NotNull(detail);
        Assert.Equal(eventId, detail.Run.EventId);
        Assert.Equal("hello Ada", detail.Run.Output!.GetValue<string>());
        Assert.Contains(detail.History, h => h.Kind.Length > 0);

        var e = await client.GetEventAsync(eventId);
        Assert.Equal("client/greet", e.Event.Name);
        Assert.Equal("Ada", e.Event.Data!["name"]!.GetValue<string>());
        Assert.Equal(detail.Run.Id, Assert.Single(e.Runs).Id);
        Assert.Equal("matched", Assert.Single(e.Decisions).Outcome);

        var function = Assert.Single((await client.ListFunctionsAsync()).Functions);
        Assert.Equal(("client-app-greeter", "client-app", "client/greet"), (function.Id, function.AppId, function.Triggers[0].Event));
        Assert.Equal("client-app", Assert.Single((await client.ListAppsAsync()).Apps).Id);
        Assert.Equal(new PauseResult("client-app-greeter", true), await client.PauseFunctionAsync("client-app-greeter"));
        Assert.Equal("ok", (await client.GetHealthAsync()).Status);
    }

    [Fact]
    public async Task Records_serialize_back_to_the_servers_exact_json()
    {
        await using var server = await TestServer.StartAsync();
        using var client = Client(server);
        var id = (await client.SendEventsAsync(new JsonObject { ["name"] = "client/shape", ["data"] = new JsonObject { ["n"] = 1.5, ["s"] = "é" }, ["user"] = null })).Ids[0];

        foreach (var path in new[] { $"/v1/events/{id}", "/v1/events", "/v1/runs", "/v1/apps", "/v1/functions", "/v1/cron", "/v1/status" })
        {
            var raw = await server.GetAsync(path);
            JsonNode typed = path switch
            {
                "/v1/events" => JsonSerializerNode(await client.ListEventsAsync()),
                "/v1/runs" => JsonSerializerNode(await client.ListRunsAsync()),
                "/v1/apps" => JsonSerializerNode(await client.ListAppsAsync()),
                "/v1/functions" => JsonSerializerNode(await client.ListFunctionsAsync()),
                "/v1/cron" => JsonSerializerNode(await client.ListCronAsync()),
                "/v1/status" => JsonSerializerNode(await client.GetStatusAsync()),
                _ => JsonSerializerNode(await client.GetEventAsync(id)),
            };
            Assert.True(JsonNode.DeepEquals(raw, typed), $"{path}: {raw.ToJsonString()} != {typed.ToJsonString()}");
        }
    }

    private static JsonNode JsonSerializerNode<T>(T value) => System.Text.Json.JsonSerializer.SerializeToNode(value, SwitchyardJson.Options)!;

    [Fact]
    public async Task Error_answers_are_typed_with_status_code_and_message()
    {
        await using var server = await TestServer.StartAsync();
        using var client = Client(server);

        var missing = await Assert.ThrowsAsync<SwitchyardApiException>(() => client.GetRunAsync("no-such-run"));
        Assert.Equal((404, "not_found", "no run with id 'no-such-run'"), (missing.Status, missing.Code, missing.Message));

        var badCount = await Assert.ThrowsAsync<SwitchyardApiException>(() => client.ListRunsAsync(count: 0));
        Assert.Equal((400, "invalid_count"), (badCount.Status, badCount.Code));

        var badSync = await Assert.ThrowsAsync<SwitchyardApiException>(() => client.SyncAppAsync(""));
        Assert.Equal((400, "invalid_url"), (badSync.Status, badSync.Code));

        Assert.Null(await client.KvGetAsync("app.client", "absent"));
    }

    [Fact]
    public async Task Credentials_go_to_the_api_they_belong_to()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key-one";
            o.SigningKey = "signkey-test-" + new string('a', 64);
            o.ApiToken = "token-123";
        });

        using (var anonymous = Client(server, eventKey: "wrong"))
        {
            var rest = await Assert.ThrowsAsync<SwitchyardApiException>(() => anonymous.ListEventsAsync());
            Assert.Equal((401, "unauthorized"), (rest.Status, rest.Code));
            var send = await Assert.ThrowsAsync<SwitchyardApiException>(() => anonymous.SendEventsAsync(new JsonObject { ["name"] = "client/x" }));
            Assert.Equal(401, send.Status);
        }

        using var client = Client(server, apiToken: "token-123", eventKey: "key-one");
        var id = (await client.SendEventsAsync(new JsonObject { ["name"] = "client/x" })).Ids[0];
        Assert.Equal(id, (await client.ListEventsAsync(prefix: "client/")).Events[0].Id);

        // Telemetry falls back to the API token when no telemetry token is set.
        var emitted = await client.EmitTelemetryAsync([new TelemetryEmit("client-test", "c", "client.tested", Metadata: new JsonObject { ["k"] = "v" })]);
        Assert.Equal(1, emitted.Stored);
        var found = await client.ListTelemetryAsync(new TelemetryFilter(Source: "client-test"));
        Assert.Equal("client.tested", Assert.Single(found.Events).Action);

        var lease = await client.KvLeaseAsync("app.client", "lock", new KvLeaseRequest("me", 60_000));
        Assert.True(lease.Held);
        Assert.False((await client.KvLeaseAsync("app.client", "lock", new KvLeaseRequest("you", 60_000))).Held);
        Assert.True((await client.KvReleaseAsync("app.client", "lock", new KvReleaseRequest("me"))).Released);
    }

    [Fact]
    public async Task An_unreachable_server_throws_HttpRequestException()
    {
        using var client = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = new Uri("http://127.0.0.1:1"), Timeout = TimeSpan.FromSeconds(5) });
        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListAppsAsync());
    }

    public sealed class Greeter : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder f) => f.Id("greeter").OnEvent("client/greet");

        public override Task<object?> RunAsync(FunctionContext<JsonObject> context) =>
            Task.FromResult<object?>("hello " + context.Event.Data["name"]!.GetValue<string>());
    }
}
