using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Parsing;
using Switchyard.Engine.Storage;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, findings 1 and 2: one depth limit on every write path, and every view renders whatever was stored,
/// also rows stored before the limit existed (written here straight through the store).</summary>
public sealed class DeepJsonTests : OnDevServer
{
    [Fact]
    public async Task Events_and_telemetry_nested_past_the_limit_are_refused_naming_the_field()
    {
        var deepEvent = await Hostile.PostAsync(Server.Http, "/e/test", $$"""{"name":"deep/event","data":{{Hostile.Nested(61)}}}""");
        Hostile.RefusedNaming(deepEvent, $"nested deeper than {JsonLimits.MaxDepth}");
        Hostile.RefusedNaming(deepEvent, "'a'");
        var deepTelemetry = await Hostile.PostAsync(Server.Http, "/observability/emit", $$"""{"source":"s","component":"c","action":"deep","metadata":{{Hostile.Nested(61)}}}""");
        Hostile.RefusedNaming(deepTelemetry, $"nested deeper than {JsonLimits.MaxDepth}");
        Assert.Empty(await Server.EventsAsync("deep/"));
    }

    [Fact]
    public async Task Kv_and_registration_bodies_obey_the_same_limit()
    {
        Hostile.RefusedNaming(await Hostile.SendAsync(Server.Http, HttpMethod.Put, "/v1/kv/app.x/k",
            System.Text.Encoding.UTF8.GetBytes($$"""{"value":"v","extra":{{Hostile.Nested(40)}}}""")), "nested deeper");
        Hostile.RefusedNaming(await Hostile.PostAsync(Server.Http, "/fn/register",
            $$"""{"url":"http://127.0.0.1:9/api","appName":"deep","functions":[],"extra":{{Hostile.Nested(40)}}}"""), "nested deeper");
    }

    [Fact]
    public async Task Data_at_the_limit_is_accepted_and_every_view_renders_it()
    {
        // The body object is level 1 and data level 2, so data may nest 31 levels.
        var id = (await Hostile.PostAsync(Server.Http, "/e/test", $$"""{"name":"limit/event","data":{{Hostile.Nested(JsonLimits.MaxDepth - 1)}}}"""));
        Assert.Equal(HttpStatusCode.OK, id.Status);
        var eventId = System.Text.Json.Nodes.JsonNode.Parse(id.Text)!["ids"]![0]!.GetValue<string>();
        var emitted = await Hostile.PostAsync(Server.Http, "/observability/emit",
            $$$"""{"source":"s","component":"c","action":"limit.deep","metadata":{"eventId":"{{{eventId}}}","x":{{{Hostile.Nested(JsonLimits.MaxDepth - 2)}}}}}""");
        Assert.Equal(HttpStatusCode.OK, emitted.Status);
        await AllViewsRenderAsync(eventId, "limit");
    }

    [Fact]
    public async Task Rows_stored_deeper_than_the_limit_before_it_existed_still_render()
    {
        var ingest = Server.Services.GetRequiredService<EventIngest>();
        var ids = await ingest.IngestAsync([new IncomingEvent("legacy/event", Hostile.NestedNode(60), null, null, null, null)], "api", CancellationToken.None);
        var store = Server.Services.GetRequiredService<IStore>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // The probe's record: metadata nested 62 levels, accepted by the old 64-level parser, naming the event.
        var metadata = $"{{\"eventId\":\"{ids[0]}\",\"a\":" + Hostile.Nested(61) + "}";
        await store.WriteTelemetryAsync(tx => tx.InsertTelemetry(new TelemetryRecord(Ulid.NewUlid().ToString(), now, now, TelemetryLevel.Info,
            "s", "c", "legacy.deep", null, null, null, metadata, null, null, null, ids[0])));
        await AllViewsRenderAsync(ids[0], "legacy");
    }

    private async Task AllViewsRenderAsync(string eventId, string word)
    {
        var http = Server.Http;
        var list = Hostile.Renders(await Hostile.GetAsync(http, "/v1/events?count=500"), "/v1/events");
        Assert.Contains(list["events"]!.AsArray(), e => e!["id"]!.GetValue<string>() == eventId);
        Hostile.Renders(await Hostile.GetAsync(http, $"/v1/events/{Uri.EscapeDataString(eventId)}"), "/v1/events/{id}");
        Hostile.Renders(await Hostile.GetAsync(http, $"/v1/events/{Uri.EscapeDataString(eventId)}/why"), "/v1/events/{id}/why");
        var trace = Hostile.Renders(await Hostile.GetAsync(http, $"/v1/events/{Uri.EscapeDataString(eventId)}/trace"), "/v1/events/{id}/trace");
        Assert.NotEmpty(trace["telemetry"]!.AsArray());
        var otel = Hostile.Renders(await Hostile.GetAsync(http, "/v1/otel/list?count=100"), "/v1/otel/list");
        Assert.Contains(otel["events"]!.AsArray(), e => e!["action"]!.GetValue<string>() == $"{word}.deep");
        Hostile.Renders(await Hostile.GetAsync(http, $"/v1/otel/list?eventId={Uri.EscapeDataString(eventId)}"), "/v1/otel/list?eventId");
        var search = Hostile.Renders(await Hostile.GetAsync(http, $"/v1/otel/search?q={word}"), "/v1/otel/search");
        Assert.NotEmpty(search["events"]!.AsArray());
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/otel/stats"), "/v1/otel/stats");
    }
}
