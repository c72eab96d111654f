using System.Net;
using Switchyard.Configuration;
using Switchyard.Engine.Telemetry;
using Switchyard.Engine.Model;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>Backpressure: a flooding component's debug events are sampled; nothing else is.</summary>
public sealed class TelemetrySamplerTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static TelemetryRecord Event(string component, string level) =>
        new(Ulid.NewUlid().ToString(), 0, 0, level, "src", component, "tick", null, null, null, "{}", null, null, null, null);

    [Fact]
    public void Past_the_threshold_one_in_n_debug_events_of_that_component_is_kept_within_the_second()
    {
        var time = new FixedTime(DateTimeOffset.UnixEpoch.AddDays(1));
        var sampler = new TelemetrySampler(new ServerOptions { TelemetryFloodThreshold = 200, TelemetryFloodSampleOneIn = 10 }, time);

        var kept = Enumerable.Range(0, 1000).Count(_ => sampler.Keep(Event("noisy", TelemetryLevel.Debug)));

        Assert.Equal(200 + 80, kept);
        Assert.Equal(720, sampler.SampledOut);
        Assert.True(sampler.Keep(Event("quiet", TelemetryLevel.Debug)));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(sampler.Keep(Event("noisy", TelemetryLevel.Warn))));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(sampler.Keep(Event("noisy", TelemetryLevel.Error))));
        Assert.True(sampler.Keep(Event("noisy", TelemetryLevel.Info)));

        time.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(200, Enumerable.Range(0, 200).Count(_ => sampler.Keep(Event("noisy", TelemetryLevel.Debug))));
    }

    [Fact]
    public void A_zero_threshold_never_samples()
    {
        var sampler = new TelemetrySampler(new ServerOptions { TelemetryFloodThreshold = 0 }, TimeProvider.System);
        Assert.Equal(5000, Enumerable.Range(0, 5000).Count(_ => sampler.Keep(Event("noisy", TelemetryLevel.Debug))));
    }

    [Fact]
    public async Task A_flood_through_the_api_reports_how_many_were_sampled_and_keeps_every_warning()
    {
        await using var server = await TestServer.StartAsync(o => { o.TelemetryFloodThreshold = 50; o.TelemetryFloodSampleOneIn = 10; });
        var flood = Enumerable.Range(0, 600).Select(i => (object)new { source = "flood", component = "chatty", action = "tick", level = i % 100 == 0 ? "warn" : "debug" }).ToArray();

        var (status, body) = await TelemetryClient.EmitAsync(server.Http, flood);

        Assert.Equal(HttpStatusCode.OK, status);
        var sampled = body["sampled"]!.GetValue<int>();
        var stored = body["stored"]!.GetValue<int>();
        Assert.True(sampled > 0, body.ToJsonString());
        Assert.Equal(600, sampled + stored);
        Assert.Equal(stored, body["ids"]!.AsArray().Count);
        var (_, warnings) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/list?source=flood&level=warn");
        Assert.Equal(6, TelemetryClient.Events(warnings).Count());
        var (_, stats) = await TelemetryClient.GetAsync(server.Http, "/v1/otel/stats");
        Assert.Equal(sampled, stats["sampling"]!["sampledOutSinceStart"]!.GetValue<long>());
    }
}
