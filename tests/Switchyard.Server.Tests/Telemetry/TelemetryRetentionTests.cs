using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Engine.Telemetry;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>Events older than the retention are pruned, from the table and from the search index.</summary>
public sealed class TelemetryRetentionTests
{
    [Fact]
    public async Task Events_past_the_retention_disappear_from_list_and_search()
    {
        await using var server = await TestServer.StartAsync(o => o.TelemetryRetention = TimeSpan.FromSeconds(1));
        var (status, _) = await TelemetryClient.EmitAsync(server.Http, new { source = "ret", component = "c", action = "ephemeral.thing", error = "zebra" });
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, found) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/search?q=zebra");
        Assert.Single(TelemetryClient.Events(found));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var (_, list) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/list?source=ret");
            if (!TelemetryClient.Events(list).Any()) break;
            Assert.True(DateTime.UtcNow < deadline, "telemetry was not pruned");
            await Task.Delay(200);
        }
        (_, found) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/search?q=zebra");
        Assert.Empty(TelemetryClient.Events(found));
    }

    [Fact]
    public async Task Pruning_keeps_what_is_within_the_retention_and_deletes_large_backlogs_in_slices()
    {
        await using var server = await TestServer.StartAsync(o => o.TelemetryRetention = TimeSpan.FromDays(30));
        var events = Enumerable.Range(0, 4500).Select(i => (object)new { source = "bulk", component = "c", action = "a" + i }).ToArray();
        var (status, body) = await TelemetryClient.EmitAsync(server.Http, events);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4500, body["stored"]!.GetValue<int>());

        var pruner = server.Services.GetRequiredService<TelemetryPruner>();
        Assert.Equal(0, await pruner.PruneAsync(CancellationToken.None));

        // A pruner that counts from 31 days ahead sees everything as expired.
        var later = new TelemetryPruner(server.Services.GetRequiredService<Switchyard.Engine.Storage.IStore>(), server.Options, new Ahead(TimeSpan.FromDays(31)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TelemetryPruner>.Instance);
        Assert.True(await later.PruneAsync(CancellationToken.None) >= 4500);
        var (_, list) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/list?source=bulk");
        Assert.Empty(TelemetryClient.Events(list));
    }

    private sealed class Ahead(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
