using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>Inngest async checkpointing with the unmodified v4 SDK: the server's calls carry <c>ctx.fn_id</c> and
/// <c>ctx.qi_id</c>, so the SDK runs consecutive steps in one call and posts each to
/// <c>/v1/checkpoint/{runId}/async</c>. Fewer calls than steps shows it checkpointed; the outputs show nothing was
/// lost or run twice. Run once per mode by the subclasses (dev: no auth; signed: the SDK's hashed-key bearer).</summary>
public abstract class CheckpointingTests(CompatFixture fixture)
{
    protected CompatFixture F { get; } = fixture;

    private static string Unique(string prefix) => CompatTests.Unique(prefix);

    private static List<JsonNode> History(JsonObject run, string kind) => CompatTests.History(run, kind);

    private static void AssertCompleted(JsonObject run, string expectedOutput)
    {
        Assert.True((string?)run["run"]!["status"] == "Completed", $"run is not completed: {run.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedOutput), run["run"]!["output"]), $"expected {expectedOutput}, got {run["run"]!["output"]?.ToJsonString()}");
    }

    [Fact]
    public async Task Sequential_steps_run_in_one_call_and_each_is_stored()
    {
        var run = await F.RunAsync("compat/ckpt-steps", new { }, "compat-js-ckpt-steps");
        AssertCompleted(run, """{"a":1,"b":2,"c":3}""");
        Assert.Equal(3, History(run, "step.completed").Count);
        Assert.Equal(3, run["steps"]!.AsArray().Count);
        // All three steps were checkpointed inside the first call, which then answered 206 RunComplete.
        Assert.Single(History(run, "call"));
    }

    [Fact]
    public async Task A_step_error_in_the_middle_keeps_the_checkpointed_step_and_the_retried_attempt_goes_on()
    {
        var run = await F.RunAsync("compat/ckpt-error", new { }, "compat-js-ckpt-error");
        // "a" ran once (attempt 0, checkpointed); "b" failed at attempt 0 and passed at attempt 1, which answers with
        // that one step; the next call (a first attempt again) checkpoints "c" and completes.
        AssertCompleted(run, """{"a":"a@0","b":"b@1","c":"c@0"}""");
        Assert.Single(History(run, "step.errored"));
        Assert.Single(History(run, "retry.scheduled"));
        Assert.Equal(3, History(run, "step.completed").Count);
        Assert.Equal(3, History(run, "call").Count);
    }

    [Fact]
    public async Task Sleep_and_waitForEvent_end_the_call_after_the_checkpointed_step()
    {
        var id = Unique("ckpt");
        var runId = await F.StartRunAsync("compat/ckpt-pauses", new { id }, "compat-js-ckpt-pauses");
        await F.WaitForHistoryAsync(runId, "wait.started");
        await F.Server.SendEventAsync("compat/ckpt-go", new { id });
        var run = await F.WaitForRunAsync(runId);
        AssertCompleted(run, $$"""{"a":"a","b":"b","c":"c","go":"{{id}}","id":"{{id}}"}""");
        Assert.Single(History(run, "sleep.started"));
        Assert.Single(History(run, "wait.started"));
        // One call up to the sleep, one up to the wait, one to the end.
        Assert.Equal(3, History(run, "call").Count);
        Assert.Equal(3, History(run, "step.completed").Count);
    }

    [Fact]
    public async Task Parallel_steps_between_checkpointed_steps_each_run_once()
    {
        var run = await F.RunAsync("compat/ckpt-parallel", new { }, "compat-js-ckpt-parallel");
        AssertCompleted(run, """{"a":1,"x":2,"y":3,"z":5}""");
        Assert.Equal(4, History(run, "step.completed").Count);
        Assert.Equal(4, run["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_checkpoint_for_a_call_that_is_no_longer_in_flight_is_stale_and_the_sdk_stops()
    {
        var id = Unique("stale");
        var runId = await F.StartRunAsync("compat/ckpt-stale", new { id, ms = 1500 }, "compat-js-ckpt-stale");
        await WaitForEventAsync("compat/ckpt-slow-started", id);
        // Cancelling removes the queue item the call was made for, so the step's checkpoint must be refused.
        using (var cancel = await F.Server.Http.PostAsync($"/v1/runs/{runId}/cancel", null))
            Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        await WaitForEventAsync("compat/ckpt-slow-done", id);
        // The SDK posts the checkpoint right after the step, then (if accepted) runs "after" at once; give it time.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var run = await F.Server.GetAsync($"/v1/runs/{runId}");
        Assert.Equal("Cancelled", (string?)run["run"]!["status"]);
        Assert.Empty(run["steps"]!.AsArray());
        Assert.DoesNotContain(await F.Server.EventsAsync("compat/ckpt-after"), e => (string?)e["data"]?["id"] == id);
    }

    [Fact]
    public async Task A_checkpoint_naming_an_unknown_queue_item_is_answered_409()
    {
        var id = Unique("stale");
        var runId = await F.StartRunAsync("compat/ckpt-stale", new { id, ms = 1500 }, "compat-js-ckpt-stale");
        var body = new { run_id = runId, fn_id = "compat-js-ckpt-stale", qi_id = runId + ":step:not-in-flight", steps = new[] { new { id = "abc", op = "StepRun", data = 1 } } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/checkpoint/{runId}/async") { Content = JsonContent.Create(body) };
        if (CheckpointBearer is { } bearer) request.Headers.Authorization = new("Bearer", bearer);
        using var response = await F.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("stale_checkpoint", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
        var run = await F.WaitForRunAsync(runId);
        Assert.Equal("Completed", (string?)run["run"]!["status"]);
        Assert.DoesNotContain(run["steps"]!.AsArray(), s => s!.ToJsonString().Contains("\"abc\"", StringComparison.Ordinal));
    }

    /// <summary>The bearer the SDK would present on its API calls (null in dev mode).</summary>
    protected virtual string? CheckpointBearer => null;

    private Task WaitForEventAsync(string name, string id) =>
        Eventually.TrueAsync(async () => (await F.Server.EventsAsync(name)).Any(e => (string?)e["data"]?["id"] == id),
            $"event {name} for {id}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
}
