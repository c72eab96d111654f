using System.Net;
using System.Text.Json.Nodes;
using Switchyard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Server.Tests;

/// <summary>End to end: a real server, a real app built with the C# SDK, events in, runs checked.</summary>
public class EngineTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestServer _server = null!;
    private TestApp _app = null!;

    /// <summary>The server under test; subclasses run the same suite on another store.</summary>
    protected virtual Task<TestServer> CreateServerAsync() => TestServer.StartAsync();

    public async Task InitializeAsync()
    {
        _server = await CreateServerAsync();
        _app = await TestApp.StartAsync(_server, "e2e", sdk => sdk
            .AddFunction<FailsTwice>().AddFunction<GivesUp>().AddFunction<Napper>().AddFunction<Approval>()
            .AddFunction<Parent>().AddFunction<ChildOk>().AddFunction<ChildFail>().AddFunction<FanOut>()
            .AddFunction<Emitter>().AddFunction<Receiver>().AddFunction<Filtered>().AddFunction<EarlyBird>().AddFunction<Checkpointed>().AddFunction<ParallelFlaky>(),
            services => services.AddSingleton(_probe));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<JsonObject> RunOfAsync(string eventName, object? data = null, string? functionId = null)
    {
        var id = (await _server.SendAsync(new { name = eventName, data = data ?? new { } }))[0];
        var runs = await _server.WaitForRunsOfEventAsync(id);
        var run = functionId is null ? runs[0]! : runs.First(r => r!["functionId"]!.GetValue<string>() == functionId)!;
        return await _server.WaitForRunAsync(run["id"]!.GetValue<string>());
    }

    private static IEnumerable<JsonNode> History(JsonObject run, string kind) =>
        run["history"]!.AsArray().Where(h => h!["kind"]!.GetValue<string>() == kind)!;

    [Fact]
    public async Task A_step_that_fails_twice_then_succeeds_takes_three_attempts()
    {
        var run = await RunOfAsync("e2e/flaky");
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal("ok", run["run"]!["output"]!.GetValue<string>());
        Assert.Equal(2, History(run, "step.errored").Count());
        var completed = History(run, "step.completed").Single();
        Assert.Equal(2, completed["attempt"]!.GetValue<int>());
        Assert.Equal(3, _probe.Count(run["run"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Steps_checkpointed_in_one_call_are_each_stored_once_with_their_own_attempts()
    {
        var run = await RunOfAsync("e2e/checkpoint");
        var runId = run["run"]!["id"]!.GetValue<string>();
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(6, run["run"]!["output"]!["sum"]!.GetValue<int>());
        // Two calls: a ran and b failed in the first; the retry replayed a, then ran b and c and returned.
        Assert.Equal(2, History(run, "call").Count());
        Assert.Equal((1, 2, 1), (_probe.Count(runId + ":a"), _probe.Count(runId + ":b"), _probe.Count(runId + ":c")));
        var completed = History(run, "step.completed").ToList();
        Assert.Equal(["a", "b", "c"], completed.Select(h => h["stepName"]!.GetValue<string>()));
        Assert.Equal([0, 1, 0], completed.Select(h => h["attempt"]!.GetValue<int>()));
        Assert.Single(History(run, "step.errored"));
        Assert.Equal(3, run["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_non_retriable_failure_fails_the_run_after_one_attempt()
    {
        var run = await RunOfAsync("e2e/nonretriable");
        Assert.Equal("Failed", run["run"]!["status"]!.GetValue<string>());
        Assert.Contains("never retry", run["run"]!["error"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, _probe.Count(run["run"]!["id"]!.GetValue<string>()));
        Assert.Empty(History(run, "retry.scheduled"));
        var failed = await _server.GetAsync("/v1/events?prefix=inngest/function.failed");
        Assert.Contains(failed["events"]!.AsArray(), e => e!["data"]!["run_id"]!.GetValue<string>() == run["run"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_sleep_of_two_seconds_is_a_durable_timer()
    {
        var run = await RunOfAsync("e2e/sleep", new { ms = 2000 });
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        var output = run["run"]!["output"]!;
        Assert.True(output["after"]!.GetValue<long>() - output["before"]!.GetValue<long>() >= 2000);
        Assert.Single(History(run, "sleep.started"));
        Assert.Single(History(run, "sleep.ended"));
        Assert.Equal(1, _probe.Count(run["run"]!["id"]!.GetValue<string>() + ":before"));
    }

    [Fact]
    public async Task WaitForEvent_resumes_with_the_matching_event_only()
    {
        var id = (await _server.SendAsync(new { name = "e2e/wait", data = new { id = "order-1" } }))[0];
        var runId = (await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        await WaitForHistoryAsync(runId, "wait.started");
        await _server.SendAsync(new { name = "e2e/approved", data = new { id = "order-2", note = "wrong order" } });
        await Task.Delay(300);
        Assert.Equal("Running", (await _server.GetAsync($"/v1/runs/{runId}"))["run"]!["status"]!.GetValue<string>());
        await _server.SendAsync(new { name = "e2e/approved", data = new { id = "order-1", note = "yes" } });
        var run = await _server.WaitForRunAsync(runId);
        Assert.Equal("yes", run["run"]!["output"]!["got"]!.GetValue<string>());
    }

    [Fact]
    public async Task WaitForEvent_sees_an_event_that_arrived_while_the_wait_was_being_registered()
    {
        var run = await RunOfAsync("e2e/early");
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(run["run"]!["id"]!.GetValue<string>(), run["run"]!["output"]!["got"]!.GetValue<string>());
        Assert.Empty(History(run, "wait.timed_out"));
    }

    [Fact]
    public async Task WaitForEvent_resumes_with_null_on_timeout()
    {
        var run = await RunOfAsync("e2e/wait", new { id = "nobody", timeoutMs = 500 });
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Null(run["run"]!["output"]!["got"]);
        Assert.Single(History(run, "wait.timed_out"));
    }

    [Fact]
    public async Task Invoke_resumes_with_the_child_result()
    {
        var run = await RunOfAsync("e2e/invoke", new { target = "child-ok" }, "e2e-parent");
        Assert.Equal(42, run["run"]!["output"]!["result"]!.GetValue<int>());
        var started = History(run, "invoke.started").Single();
        var childId = started["detail"]!["childRunId"]!.GetValue<string>();
        var child = await _server.GetAsync($"/v1/runs/{childId}");
        Assert.Equal("Completed", child["run"]!["status"]!.GetValue<string>());
        Assert.Equal(run["run"]!["id"]!.GetValue<string>(), child["run"]!["parentRunId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_surfaces_the_child_error()
    {
        var run = await RunOfAsync("e2e/invoke", new { target = "child-fail" }, "e2e-parent");
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Contains("child exploded", run["run"]!["output"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_parallel_steps_each_run_exactly_once()
    {
        var run = await RunOfAsync("e2e/fanout", functionId: "e2e-fan-out");
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(45, run["run"]!["output"]!.GetValue<int>());
        var runId = run["run"]!["id"]!.GetValue<string>();
        for (var i = 0; i < 10; i++) Assert.Equal(1, _probe.Count($"{runId}:{i}"));
        // The SDK checkpoints: the ten steps run together in the run's one call.
        Assert.Single(History(run, "call"));
        Assert.Equal(10, History(run, "step.completed").Count());
        Assert.Equal(10, run["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Without_checkpointing_parallel_steps_are_planned_and_called_one_by_one()
    {
        await using var classic = await TestApp.StartAsync(_server, "classic", sdk => sdk.AddFunction<FanOut>(), services => services
            .AddSingleton(_probe)
            .PostConfigure<Sdk.SwitchyardOptions>(o => o.CheckpointBudget = TimeSpan.Zero));
        var run = await RunOfAsync("e2e/fanout", functionId: "classic-fan-out");
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(45, run["run"]!["output"]!.GetValue<int>());
        var runId = run["run"]!["id"]!.GetValue<string>();
        for (var i = 0; i < 10; i++) Assert.Equal(1, _probe.Count($"{runId}:{i}"));
        Assert.Equal(10, History(run, "step.planned").Count());
        // Discovery, one call per step, and the call that returns.
        Assert.Equal(12, History(run, "call").Count());
        Assert.Equal(10, run["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Parallel_steps_that_fail_are_retried_together_and_the_others_run_once()
    {
        var run = await RunOfAsync("e2e/parallel-flaky");
        var runId = run["run"]!["id"]!.GetValue<string>();
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(6, run["run"]!["output"]!.GetValue<int>());
        Assert.Equal((1, 2, 2), (_probe.Count(runId + ":good"), _probe.Count(runId + ":x"), _probe.Count(runId + ":y")));
        Assert.Equal(2, History(run, "step.errored").Count());
        Assert.Equal(2, History(run, "call").Count());
        Assert.Equal(3, History(run, "step.completed").Count());
    }

    [Fact]
    public async Task An_event_sent_by_a_step_triggers_another_function()
    {
        var run = await RunOfAsync("e2e/emit", functionId: "e2e-emitter");
        var emittedId = run["run"]!["output"]!["ids"]![0]!.GetValue<string>();
        var child = (await _server.WaitForRunsOfEventAsync(emittedId))[0]!;
        Assert.Equal("e2e-receiver", child["functionId"]!.GetValue<string>());
        var done = await _server.WaitForRunAsync(child["id"]!.GetValue<string>());
        Assert.Equal(run["run"]!["id"]!.GetValue<string>(), done["run"]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wildcards_and_expressions_decide_and_every_decision_is_recorded()
    {
        var yes = (await _server.SendAsync(new { name = "e2e/filter/a", data = new { go = true } }))[0];
        var no = (await _server.SendAsync(new { name = "e2e/filter/b", data = new { go = false } }))[0];
        Assert.Equal("e2e-filtered", (await _server.WaitForRunsOfEventAsync(yes))[0]!["functionId"]!.GetValue<string>());
        var skipped = await _server.GetAsync($"/v1/events/{no}");
        Assert.Empty(skipped["runs"]!.AsArray());
        var decision = skipped["decisions"]!.AsArray().Single()!;
        Assert.Equal("expression_false", decision["outcome"]!.GetValue<string>());
        Assert.Contains("event.data.go == true", decision["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_through_the_api_waits_for_the_result()
    {
        using var response = await _server.Http.PostAsync("/v1/functions/e2e-child-ok/invoke",
            System.Net.Http.Json.JsonContent.Create(new { data = new { n = 5 } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonObject>(response.Content))!["run"]!;
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        Assert.Equal(10, run["output"]!["doubled"]!.GetValue<int>());
        using var missing = await _server.Http.PostAsync("/v1/functions/nope/invoke", System.Net.Http.Json.JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_sleeping_run_can_be_cancelled()
    {
        var id = (await _server.SendAsync(new { name = "e2e/sleep", data = new { ms = 3_600_000 } }))[0];
        var runId = (await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        await WaitForHistoryAsync(runId, "sleep.started");
        using var response = await _server.Http.PostAsync($"/v1/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = await _server.WaitForRunAsync(runId);
        Assert.Equal("Cancelled", run["run"]!["status"]!.GetValue<string>());
        using var again = await _server.Http.PostAsync($"/v1/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private async Task WaitForHistoryAsync(string runId, string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var run = await _server.GetAsync($"/v1/runs/{runId}");
            if (History(run, kind).Any()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"run {runId} never recorded {kind}");
    }
}
