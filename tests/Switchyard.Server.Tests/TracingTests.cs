using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary>OpenTelemetry: the spans of one run reach an OTLP receiver with correct parent links, and metrics are
/// served in Prometheus format.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Spans_of_a_run_reach_the_otlp_receiver_with_parent_links()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => o.OtlpEndpoint = receiver.Url.ToString());
        await using var app = await TestApp.StartAsync(server, "otel", sdk => sdk.AddFunction<ThreeSteps>(), s => s.AddSingleton(new Probe()));

        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var rootSpan = System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();
        var id = await SendTracedAsync(server, new { name = "crash/run", data = new { n = 2 } }, traceId, rootSpan);
        var runId = (await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        await server.WaitForRunAsync(runId);

        List<OtlpReceiver.Span> spans = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            if (spans.Count(s => s.Name.StartsWith("step ", StringComparison.Ordinal)) >= 3 && spans.Any(s => s.Name.StartsWith("call ", StringComparison.Ordinal))) break;
            await Task.Delay(200);
        }
        var eventSpan = Assert.Single(spans, s => s.Name == "event crash/run");
        Assert.Equal(rootSpan, eventSpan.ParentSpanId);
        var runSpan = Assert.Single(spans, s => s.Name == "run otel-three-steps");
        Assert.Equal(eventSpan.SpanId, runSpan.ParentSpanId);
        var calls = spans.Where(s => s.Name == "call otel-three-steps").ToList();
        // The SDK checkpoints: all three steps run in one call, each still its own span under that call.
        Assert.Single(calls);
        Assert.All(calls, c => Assert.Equal(runSpan.SpanId, c.ParentSpanId));
        var steps = spans.Where(s => s.Name.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["step a", "step b", "step c"], steps.Select(s => s.Name).Order());
        Assert.All(steps, s => Assert.Contains(calls, c => c.SpanId == s.ParentSpanId));
    }

    /// <summary>Sends one event with a W3C <c>traceparent</c> of <paramref name="traceId"/>; returns its id.</summary>
    internal static async Task<string> SendTracedAsync(TestServer server, object @event, string traceId, string parentSpanId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/e/key") { Content = JsonContent.Create(@event) };
        request.Headers.Add("traceparent", $"00-{traceId}-{parentSpanId}-01");
        using var response = await server.Http.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["ids"]![0]!.GetValue<string>();
    }

    [Fact]
    public async Task Metrics_reach_the_otlp_receiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await TestServer.StartAsync(o => o.OtlpEndpoint = receiver.Url.ToString());
        await using (var app = await TestApp.StartAsync(server, "otelm", sdk => sdk.AddFunction<ThreeSteps>(), s => s.AddSingleton(new Probe())))
        {
            var id = await server.SendOneAsync(new { name = "crash/run", data = new { n = 1 } });
            await server.WaitForRunAsync((await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>());
        }
        // Stopping the server flushes its metrics (the periodic export runs once a minute by default).
        await server.DisposeAsync();

        string[] documented = ["switchyard.events.in", "switchyard.runs.started", "switchyard.runs.finished",
            "switchyard.step.duration", "switchyard.call.duration", "switchyard.queue.lag", "switchyard.queue.depth"];
        await Eventually.TrueAsync(() => Task.FromResult(documented.All(receiver.MetricNames.Contains)),
            () => "the documented metrics; got: " + string.Join(", ", receiver.MetricNames.Distinct().Order()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format()
    {
        await using var server = await TestServer.StartAsync();
        await server.SendAsync(new { name = "metrics/test" });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string text;
        do
        {
            text = await server.Http.GetStringAsync("/metrics");
            if (text.Contains("switchyard_events_in", StringComparison.Ordinal)) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        Assert.Contains("switchyard_events_in", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }
}
