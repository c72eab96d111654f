using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Tests;

/// <summary>An app that checkpoints: one call runs the steps a function reaches one at a time, and answers with all
/// of them followed by what ended the call.</summary>
public sealed class CheckpointTests : IAsyncLifetime
{
    private readonly SdkHost _host = new(TimeSpan.FromSeconds(30));

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    private static string[] Codes(CallResult r) => r.Ops.Select(o => (string)o!["op"]!).ToArray();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public async Task A_sequential_function_runs_to_the_end_in_one_call()
    {
        var r = await _host.CallAsync("sequential");

        Assert.Equal(206, r.Status);
        Assert.Equal(["StepRun", "StepRun", "StepRun", "RunComplete"], Codes(r));
        // The same hashes and values as one call per step would report, repeat numbering included.
        Assert.Equal(["e0996a37c13d44c3b06074939d43fa3759bd32c1", "352f7829a2384b001cc12b0c2613c756454a1f6a", "d9d1dc81ce73bf438df55e49455dcd449abef74e"],
            r.Ops.Take(3).Select(o => (string)o!["id"]!).ToArray());
        Assert.Equal([1, 2, 3], r.Ops.Take(3).Select(o => (int)o!["data"]!).ToArray());
        AssertJson("""{"a":1,"b":2,"c":3}""", r.Ops[3]!["data"]);
    }

    [Fact]
    public async Task Memoized_steps_replay_and_the_call_continues_from_there()
    {
        var steps = new JsonObject { ["e0996a37c13d44c3b06074939d43fa3759bd32c1"] = new JsonObject { ["type"] = "data", ["data"] = 1 } };

        var r = await _host.CallAsync("sequential", steps: steps);

        Assert.Equal(["StepRun", "StepRun", "RunComplete"], Codes(r));
        AssertJson("""{"a":1,"b":2,"c":3}""", r.Ops[2]!["data"]);
    }

    [Fact]
    public async Task A_failing_step_after_a_checkpointed_one_is_reported_with_its_own_first_attempt()
    {
        // The call is the last attempt of the step before; the failing step is on its first, so it is retried.
        var r = await _host.CallAsync("run-then-fail", attempt: 3, maxAttempts: 4);

        Assert.Equal(206, r.Status);
        Assert.Equal(["StepRun", "StepError"], Codes(r));
        Assert.Equal("fine", (string?)r.Ops[0]!["data"]);
        Assert.Equal("second step exploded", (string?)r.Ops[1]!["error"]!["message"]);
        Assert.Equal("false", r.Header("x-inngest-no-retry"));
    }

    [Fact]
    public async Task A_step_the_server_carries_out_ends_the_call()
    {
        var r = await _host.CallAsync("run-then-sleep");

        Assert.Equal(["StepRun", "Sleep"], Codes(r));
        Assert.Equal(41, (int)r.Ops[0]!["data"]!);
        Assert.Equal("1m", (string?)r.Ops[1]!["name"]);
    }

    [Fact]
    public async Task A_function_error_after_checkpointed_steps_is_left_to_the_next_call()
    {
        var first = await _host.CallAsync("run-then-throw");
        Assert.Equal(206, first.Status);
        Assert.Equal(["StepRun"], Codes(first));

        var steps = new JsonObject { [(string)first.Ops[0]!["id"]!] = new JsonObject { ["type"] = "data", ["data"] = first.Ops[0]!["data"]!.DeepClone() } };
        var second = await _host.CallAsync("run-then-throw", steps: steps);
        Assert.Equal(500, second.Status);
        Assert.Equal("the function failed after step 1", (string?)second.Body!["message"]);
    }

    [Fact]
    public async Task Parallel_steps_run_together_in_the_call()
    {
        var r = await _host.CallAsync("run-then-parallel");

        Assert.Equal(["StepRun", "StepRun", "StepRun", "RunComplete"], Codes(r));
        Assert.Equal(["first", "a", "b"], r.Ops.Take(3).Select(o => (string)o!["displayName"]!).ToArray());
        Assert.Equal(6, (int)r.Ops[3]!["data"]!);
    }

    [Fact]
    public async Task Parallel_steps_that_fail_are_reported_after_the_ones_that_succeeded()
    {
        var r = await _host.CallAsync("parallel-failing");

        Assert.Equal(["StepRun", "StepError", "StepError"], Codes(r));
        Assert.Equal(["good", "bad1", "bad2"], r.Ops.Select(o => (string)o!["displayName"]!).ToArray());
        Assert.Equal(["one", "two"], r.Ops.Skip(1).Select(o => (string)o!["error"]!["message"]!).ToArray());
        Assert.Equal("false", r.Header("x-inngest-no-retry"));
    }

    [Fact]
    public async Task Parallel_steps_failing_on_the_last_attempt_are_final()
    {
        var r = await _host.CallAsync("parallel-failing", attempt: 3, maxAttempts: 4);

        Assert.Equal(["StepRun", "StepFailed", "StepFailed"], Codes(r));
        Assert.Equal("true", r.Header("x-inngest-no-retry"));
    }
}
