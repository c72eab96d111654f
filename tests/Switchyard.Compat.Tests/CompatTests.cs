using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>The unmodified inngest JS app (and a C# app) against a real Switchyard server; every outcome is read
/// back through the REST API. Run once per mode by the subclasses.</summary>
public abstract class CompatTests(CompatFixture fixture)
{
    protected CompatFixture F { get; } = fixture;

    internal static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static string Status(JsonObject run) => (string)run["run"]!["status"]!;

    private static JsonNode? Output(JsonObject run) => run["run"]!["output"];

    private static string Error(JsonObject run) => run["run"]!["error"]?.ToJsonString() ?? "";

    internal static List<JsonNode> History(JsonObject run, string kind) =>
        run["history"]!.AsArray().Where(h => (string?)h!["kind"] == kind).Select(h => h!).ToList();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString() ?? "null"}");

    private static void AssertCompleted(JsonObject run) =>
        Assert.True(Status(run) == "Completed", $"run is {Status(run)}: {run.ToJsonString()}");

    [Fact]
    public async Task The_app_registers_every_function_including_its_failure_handler()
    {
        var functions = (await F.Server.GetAsync("/v1/functions"))["functions"]!.AsArray();
        var ids = functions.Select(f => (string?)f!["id"]).ToHashSet();
        foreach (var id in new[] { "steps", "sleeper", "waiter", "sender", "receiver", "child", "invoker", "calls-csharp", "parallel",
                     "non-retriable", "retry-after", "flaky", "step-fails", "step-fails-failure", "caught", "cancellable", "ticker", "invoke-timeout", "signal-waiter",
                     "serialized", "rate-limited", "debounced", "idempotent", "batched" })
            Assert.Contains("compat-js-" + id, ids);
        Assert.Contains("compat-cs-double", ids);
        var apps = (await F.Server.GetAsync("/v1/apps"))["apps"]!.AsArray();
        Assert.Contains(apps, a => a!.ToJsonString().Contains("js:v4.24.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sequential_steps_with_a_repeated_id_complete()
    {
        var run = await F.RunAsync("compat/steps", new { name = "Ada" }, "compat-js-steps");
        AssertCompleted(run);
        AssertJson("""{"a":1,"b":{"name":"Ada"},"c":3}""", Output(run));
        Assert.Equal(3, History(run, "step.completed").Count);
        // Checkpointing (on by default in v4): the three steps run in one call.
        Assert.Single(History(run, "call"));
        // The repeated "first" is stored under H("first:1"), as the SDK hashes it.
        Assert.Contains(run["steps"]!.AsArray(), s => s!.ToJsonString().Contains("d9d1dc81ce73bf438df55e49455dcd449abef74e", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sleep_and_sleepUntil_are_durable_timers()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(2);
        var run = await F.RunAsync("compat/sleep", new { until = until.ToString("O") }, "compat-js-sleeper");
        AssertCompleted(run);
        var output = Output(run)!;
        var before = output["before"]!.GetValue<long>();
        var after = output["after"]!.GetValue<long>();
        Assert.True(after - before >= 1000, $"slept only {after - before} ms");
        Assert.True(after >= until.ToUnixTimeMilliseconds() - 50, $"woke at {after}, before {until.ToUnixTimeMilliseconds()}");
        Assert.Equal(2, History(run, "sleep.started").Count);
        Assert.Equal(2, History(run, "sleep.ended").Count);
    }

    [Fact]
    public async Task WaitForEvent_resumes_only_with_an_event_matching_its_if_expression()
    {
        var id = Unique("wait");
        var runId = await F.StartRunAsync("compat/wait", new { id, timeout = "30s" }, "compat-js-waiter");
        await F.WaitForHistoryAsync(runId, "wait.started");
        await F.Server.SendEventAsync("compat/approved", new { id = "someone-else", ok = false });
        await F.Server.SendEventAsync("compat/approved", new { id, ok = true });
        var run = await F.WaitForRunAsync(runId);
        AssertCompleted(run);
        AssertJson($$$"""{"approved":{"id":"{{{id}}}","ok":true}}""", Output(run));
    }

    [Fact]
    public async Task WaitForEvent_gives_null_when_it_times_out()
    {
        var run = await F.RunAsync("compat/wait", new { id = Unique("timeout"), timeout = "1s" }, "compat-js-waiter");
        AssertCompleted(run);
        AssertJson("""{"approved":null}""", Output(run));
        Assert.Single(History(run, "wait.timed_out"));
    }

    [Fact]
    public async Task SendEvent_stores_the_event_and_triggers_its_functions()
    {
        var tag = Unique("tag");
        var run = await F.RunAsync("compat/send", new { tag }, "compat-js-sender");
        AssertCompleted(run);
        var ids = Output(run)!["ids"]!.AsArray();
        var sentId = (string)Assert.Single(ids)!;
        var sent = await F.Server.GetAsync($"/v1/events/{sentId}");
        Assert.Equal("compat/sent", (string?)sent["event"]!["name"]);
        var receiver = await F.WaitForRunAsync(await F.RunOfEventAsync(sentId, "compat-js-receiver"));
        AssertCompleted(receiver);
        AssertJson($$"""{"got":"{{tag}}"}""", Output(receiver));
    }

    [Fact]
    public async Task Invoke_runs_the_target_with_function_invoked_and_returns_its_result()
    {
        var run = await F.RunAsync("compat/invoke", new { n = 21 }, "compat-js-invoker");
        AssertCompleted(run);
        AssertJson("""{"child":{"doubled":42,"by":"js"}}""", Output(run));
        var childRunId = (string)History(run, "invoke.started").Single()["detail"]!["childRunId"]!;
        var child = await F.Server.GetAsync($"/v1/runs/{childRunId}");
        Assert.Equal("compat-js-child", (string?)child["run"]!["functionId"]);
    }

    [Fact]
    public async Task An_invoke_that_times_out_throws_into_the_caller()
    {
        var run = await F.RunAsync("compat/invoke-timeout", new { id = Unique("slow") }, "compat-js-invoke-timeout");
        AssertCompleted(run);
        Assert.Contains("Timed out waiting for invoked function to complete", (string?)Output(run)!["error"], StringComparison.Ordinal);
        Assert.Single(History(run, "wait.timed_out"));
    }

    [Fact]
    public async Task An_unsupported_op_fails_the_run_with_a_clear_error()
    {
        var run = await F.RunAsync("compat/signal", new { id = Unique("sig") }, "compat-js-signal-waiter");
        Assert.Equal("Failed", Status(run));
        Assert.Contains("UnsupportedOpError", Error(run), StringComparison.Ordinal);
        Assert.Contains("WaitForSignal", Error(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_steps_are_planned_then_run_one_call_each()
    {
        var run = await F.RunAsync("compat/parallel", new { }, "compat-js-parallel");
        AssertCompleted(run);
        AssertJson("""{"parts":["A","B","C"],"after":"ABC"}""", Output(run));
        Assert.Equal(3, History(run, "step.planned").Count);
        Assert.Equal(4, History(run, "step.completed").Count);
    }

    [Fact]
    public async Task A_NonRetriableError_fails_the_run_at_once()
    {
        var run = await F.RunAsync("compat/nonretriable", new { }, "compat-js-non-retriable");
        Assert.Equal("Failed", Status(run));
        Assert.Contains("nope, not retrying", Error(run), StringComparison.Ordinal);
        Assert.Contains("NonRetriableError", Error(run), StringComparison.Ordinal);
        Assert.Single(History(run, "call"));
        Assert.Empty(History(run, "retry.scheduled"));
    }

    [Fact]
    public async Task A_RetryAfterError_delays_the_retry_as_asked()
    {
        var run = await F.RunAsync("compat/retryafter", new { }, "compat-js-retry-after");
        AssertCompleted(run);
        // The step itself succeeded on its second attempt.
        AssertJson("""{"value":"ok","attempt":1}""", Output(run));
        var retry = History(run, "retry.scheduled").Single();
        Assert.True(retry["detail"]!["delayMs"]!.GetValue<long>() >= 1000, retry.ToJsonString());
    }

    [Fact]
    public async Task A_function_that_throws_is_retried_until_it_succeeds()
    {
        var run = await F.RunAsync("compat/flaky", new { }, "compat-js-flaky");
        AssertCompleted(run);
        AssertJson("""{"attempt":2}""", Output(run));
        Assert.Equal(2, History(run, "retry.scheduled").Count);
    }

    [Fact]
    public async Task A_step_that_keeps_failing_fails_the_run_and_runs_onFailure()
    {
        var tag = Unique("fail");
        var run = await F.RunAsync("compat/stepfail", new { tag }, "compat-js-step-fails");
        Assert.Equal("Failed", Status(run));
        Assert.Contains("step exploded", Error(run), StringComparison.Ordinal);
        Assert.Single(History(run, "step.errored"), h => h["stepHash"] is not null);
        Assert.Single(History(run, "step.failed"));

        // The failure handler is an ordinary function triggered by inngest/function.failed. (Its event's id holds a
        // '/', which GET /v1/events/{id} cannot address, so the handler run is found by its output.)
        var failed = (await F.Server.GetAsync("/v1/events?prefix=inngest/function.failed&count=1000"))["events"]!.AsArray();
        Assert.Contains(failed, e => (string?)e!["data"]!["run_id"] == (string?)run["run"]!["id"]);
        var handler = await F.WaitForFunctionRunAsync("compat-js-step-fails-failure", r => r.ToJsonString().Contains(tag, StringComparison.Ordinal));
        var handled = Output(handler)!["handled"]!;
        Assert.Contains("step exploded", (string)handled["message"]!, StringComparison.Ordinal);
        Assert.Equal("compat-js-step-fails", (string?)handled["failedFunction"]);
        Assert.Equal(tag, (string?)handled["originalTag"]);
    }

    [Fact]
    public async Task A_failed_step_can_be_caught_by_the_function()
    {
        var run = await F.RunAsync("compat/caught", new { }, "compat-js-caught");
        AssertCompleted(run);
        AssertJson("""{"caught":"handled failure"}""", Output(run));
        Assert.Single(History(run, "step.failed"));
    }

    [Fact]
    public async Task CancelOn_cancels_a_sleeping_run_when_the_matching_event_arrives()
    {
        var id = Unique("cancel");
        var runId = await F.StartRunAsync("compat/cancellable", new { id }, "compat-js-cancellable");
        await F.WaitForHistoryAsync(runId, "sleep.started");
        await F.Server.SendEventAsync("compat/cancel", new { id = "another-run" });
        await F.Server.SendEventAsync("compat/cancel", new { id });
        var run = await F.WaitForRunAsync(runId, TimeSpan.FromSeconds(15));
        Assert.Equal("Cancelled", Status(run));
    }

    [Fact]
    public async Task A_cron_trigger_starts_runs_with_the_scheduled_timer_event()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var runs = (await F.Server.GetAsync("/v1/runs?function=compat-js-ticker&status=Completed&count=5"))["runs"]!.AsArray();
            if (runs.Count > 0)
            {
                var run = await F.Server.GetAsync($"/v1/runs/{(string)runs[0]!["id"]!}");
                AssertJson("""{"trigger":"inngest/scheduled.timer"}""", Output(run));
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "no completed run of the every-second cron function within 15 s");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Js_concurrency_key_serializes_runs_of_one_key()
    {
        var key = Unique("k");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await F.Server.SendEventAsync("compat/serialized", new { k = key }));
        var runs = new List<JsonObject>();
        foreach (var id in ids) runs.Add(await F.WaitForRunAsync(await F.RunOfEventAsync(id, "compat-js-serialized")));
        Assert.All(runs, AssertCompleted);
        var spans = runs.Select(r => (Start: (long)Output(r)!["start"]!, End: (long)Output(r)!["end"]!)).OrderBy(s => s.Start).ToList();
        for (var i = 1; i < spans.Count; i++) Assert.True(spans[i].Start >= spans[i - 1].End, "runs of one concurrency key overlapped");
    }

    [Fact]
    public async Task Js_rate_limit_drops_the_excess_with_a_recorded_reason()
    {
        var user = Unique("u");
        var first = await F.Server.SendEventAsync("compat/rate", new { user });
        var second = await F.Server.SendEventAsync("compat/rate", new { user });
        AssertCompleted(await F.WaitForRunAsync(await F.RunOfEventAsync(first, "compat-js-rate-limited")));
        var decision = (await F.Server.GetAsync($"/v1/events/{second}"))["decisions"]!.AsArray().Single()!;
        Assert.Equal("rate_limited", (string?)decision["outcome"]);
        Assert.Contains(user, (string?)decision["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Js_debounce_runs_once_with_the_last_event()
    {
        var doc = Unique("d");
        string last = "";
        for (var v = 1; v <= 3; v++) last = await F.Server.SendEventAsync("compat/debounce", new { doc, v });
        var run = await F.WaitForRunAsync(await F.RunOfEventAsync(last, "compat-js-debounced"));
        AssertCompleted(run);
        Assert.Equal(3, (int)Output(run)!);
    }

    [Fact]
    public async Task Js_idempotency_key_runs_once()
    {
        var orderId = Unique("o");
        var a = await F.Server.SendEventAsync("compat/order", new { orderId });
        var b = await F.Server.SendEventAsync("compat/order", new { orderId });
        AssertCompleted(await F.WaitForRunAsync(await F.RunOfEventAsync(a, "compat-js-idempotent")));
        Assert.Equal("skipped_idempotency", (string?)(await F.Server.GetAsync($"/v1/events/{b}"))["decisions"]!.AsArray().Single()!["outcome"]);
    }

    [Fact]
    public async Task Js_batch_gets_all_events_in_one_run()
    {
        var tag = Random.Shared.Next(1_000_000);
        var ids = new List<string>();
        for (var n = 0; n < 3; n++) ids.Add(await F.Server.SendEventAsync("compat/batch", new { n = tag + n }));
        // A batched run belongs to the first event of its batch.
        var run = await F.WaitForRunAsync(await F.RunOfEventAsync(ids[0], "compat-js-batched"));
        AssertCompleted(run);
        Assert.Equal([tag, tag + 1, tag + 2], Output(run)!.AsArray().Select(x => (int)x!).Order());
    }

    [Fact]
    public async Task A_js_function_invokes_a_csharp_function()
    {
        var run = await F.RunAsync("compat/js-calls-cs", new { n = 5 }, "compat-js-calls-csharp");
        AssertCompleted(run);
        AssertJson("""{"fromCsharp":{"doubled":10,"by":"csharp"}}""", Output(run));
    }

    [Fact]
    public async Task A_csharp_function_invokes_a_js_function()
    {
        var run = await F.RunAsync("compat/cs-calls-js", new { n = 7 }, "compat-cs-calls-js");
        AssertCompleted(run);
        AssertJson("""{"fromJs":{"doubled":14,"by":"js"}}""", Output(run));
    }
}
