using System.Text.Json.Nodes;
using Switchyard.Sdk;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary>A run's trace continues into the events its steps send: the run those events trigger joins the
/// sender's trace, under the sending run.</summary>
public sealed class SentEventTracingTests
{
    [Fact]
    public async Task A_run_triggered_by_a_step_sent_event_joins_the_senders_trace()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(o => o.OtlpEndpoint = receiver.Url.ToString());
        await using var app = await TestApp.StartAsync(server, "otel", sdk => sdk.AddFunction<SendsChild>().AddFunction<SentChild>());

        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var id = await TracingTests.SendTracedAsync(server, new { name = "otel/parent" }, traceId, System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString());
        var parentRun = (await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        await server.WaitForRunAsync(parentRun);

        // The child's next call is made only after the sender's step result was recorded (the parent run has ended),
        // so it must be in the sender's trace whatever the order of the child's first call and that result.
        var childEvent = Assert.Single(await server.EventsAsync("otel/child"))["id"]!.GetValue<string>();
        var childRun = (await server.WaitForRunsOfEventAsync(childEvent))[0]!["id"]!.GetValue<string>();
        await Eventually.TrueAsync(async () => (await server.GetAsync($"/v1/runs/{childRun}"))["history"]!.AsArray()
            .Any(h => h!["kind"]!.GetValue<string>() == "wait.started"), "the child to wait");
        await server.SendAsync(new { name = "otel/go" });
        await server.WaitForRunAsync(childRun);

        List<OtlpReceiver.Span> spans = [];
        await Eventually.TrueAsync(() =>
        {
            spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            return Task.FromResult(spans.Any(s => s.Name == "step after"));
        }, () => "the child's spans in the sender's trace; got: " + string.Join(", ", spans.Select(s => s.Name)), TimeSpan.FromSeconds(20));

        var senderRun = Assert.Single(spans, s => s.Name == "run otel-sends-child");
        var sent = Assert.Single(spans, s => s.Name == "event sent");
        Assert.Equal(senderRun.SpanId, sent.ParentSpanId);
        var joined = Assert.Single(spans, s => s.Name == "run otel-sent-child");
        Assert.Equal(sent.SpanId, joined.ParentSpanId);
        var after = Assert.Single(spans, s => s.Name == "step after");
        var call = Assert.Single(spans, s => s.SpanId == after.ParentSpanId);
        Assert.Equal(joined.SpanId, call.ParentSpanId);
    }

    /// <summary>Sends one <c>otel/child</c> event from a step.</summary>
    public sealed class SendsChild : SwitchyardFunction<JsonObject>
    {
        /// <inheritdoc />
        public override void Configure(FunctionBuilder f) => f.Id("sends-child").OnEvent("otel/parent");

        /// <inheritdoc />
        public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
            await ctx.Step.SendEventAsync("send", new Event("otel/child", new JsonObject()));
    }

    /// <summary>Waits for <c>otel/go</c>, then runs a step.</summary>
    public sealed class SentChild : SwitchyardFunction<JsonObject>
    {
        /// <inheritdoc />
        public override void Configure(FunctionBuilder f) => f.Id("sent-child").OnEvent("otel/child");

        /// <inheritdoc />
        public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
        {
            await ctx.Step.WaitForEventAsync("go", new WaitForEventOptions("otel/go", TimeSpan.FromMinutes(1)));
            return await ctx.Step.RunAsync("after", () => 1);
        }
    }
}
