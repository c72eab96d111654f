using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchyard.Sdk;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary>Graceful shutdown (issue 18): a stopped server stops claiming work, lets the calls in flight finish within
/// <c>shutdown_grace</c> and commits their answers; the calls still running after it are cut off and retried as new
/// attempts by the next server. Real servers on one SQLite store, a real app, and a step that blocks until the test
/// releases it. Each store runs the same tests through its own subclass (<see cref="SqliteShutdownTests"/>,
/// <c>PostgresShutdownTests</c>).</summary>
public abstract class ShutdownTests
{
    /// <summary>Starts a server on this class's store (the same store each time) with the given grace period.</summary>
    protected abstract Task<TestServer> StartAsync(TimeSpan grace);

    /// <summary>The server's queue scheduler, to see when it has stopped claiming.</summary>
    protected abstract BackgroundService Scheduler(TestServer server);

    /// <summary>The first column of each row of <paramref name="sql"/>, as text, read from the store.</summary>
    protected abstract Task<List<string>> QueryAsync(string sql);

    /// <summary>Checks how the stopped server left a cut-off call: as the next attempt, takeable by the next server.</summary>
    protected abstract Task AssertHandedOnAsync(string runId);

    [Fact]
    public async Task A_call_that_ends_within_the_grace_period_is_committed_during_shutdown_and_not_made_again()
    {
        var probe = new Probe();
        var gate = new StepGate();
        var server = await StartAsync(TimeSpan.FromSeconds(20));
        // The host's own deadline must leave room for the grace period, or the host would cut the drain short.
        Assert.Equal(TimeSpan.FromSeconds(25), server.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        await using var app = await TestApp.StartAsync(server, "shutdown", sdk => sdk.AddFunction<GatedStep>(), s => s.AddSingleton(probe).AddSingleton(gate));
        var eventId = await server.SendEventAsync("shutdown/gated", new { });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var scheduler = Scheduler(server);
        var stopping = server.DisposeAsync().AsTask();
        // Release the step only once the scheduler has stopped claiming: the answer then arrives mid-shutdown.
        try { await scheduler.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20)); }
        catch (OperationCanceledException) { }
        gate.Release.TrySetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["Completed"], await QueryAsync($"SELECT status FROM runs WHERE id = '{runId}'"));
        Assert.Empty(await QueryAsync($"SELECT id FROM queue WHERE run_id = '{runId}'"));

        await using var next = await StartAsync(TimeSpan.FromSeconds(20));
        var run = await next.WaitForRunAsync(runId);
        Assert.Equal("stepped-done", run["run"]!["output"]!.GetValue<string>());
        Assert.Equal(1, probe.Count("gated"));
        Assert.Equal([0], gate.Attempts);
    }

    [Fact]
    public async Task A_call_longer_than_the_grace_period_is_cut_off_and_retried_as_a_new_attempt_by_the_next_server()
    {
        var probe = new Probe();
        var gate = new StepGate();
        var server = await StartAsync(TimeSpan.FromSeconds(2));
        await using var app = await TestApp.StartAsync(server, "shutdown", sdk => sdk.AddFunction<GatedStep>(), s => s.AddSingleton(probe).AddSingleton(gate));
        try
        {
            var eventId = await server.SendEventAsync("shutdown/gated", new { });
            var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
            await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            // The stopped server left the run unfinished, its call handed on as the next attempt, due at once.
            // (Queued: a run counts as started once its first answer is applied, and this one's never was.)
            Assert.Equal(["Queued"], await QueryAsync($"SELECT status FROM runs WHERE id = '{runId}'"));
            Assert.Equal(["1"], await QueryAsync($"SELECT CAST(attempt AS TEXT) FROM queue WHERE run_id = '{runId}' AND kind = 'call'"));
            await AssertHandedOnAsync(runId);

            await using var next = await StartAsync(TimeSpan.FromSeconds(2));
            var run = await next.WaitForRunAsync(runId, TimeSpan.FromSeconds(30));
            Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
            Assert.Equal("stepped-done", run["run"]!["output"]!.GetValue<string>());
            Assert.Equal(2, probe.Count("gated"));
            Assert.Equal([0, 1], gate.Attempts);
            Assert.Contains(run["history"]!.AsArray(), h => h!["kind"]!.GetValue<string>() == "retry.scheduled" && h["detail"]?.ToJsonString().Contains("shutdown", StringComparison.Ordinal) == true);
        }
        finally
        {
            gate.Release.TrySetResult();
        }
    }

    /// <summary>One step that blocks on its first call until the test releases it, then returns.</summary>
    public sealed class GatedStep(Probe probe, StepGate gate) : SwitchyardFunction<JsonObject>
    {
        /// <inheritdoc />
        public override void Configure(FunctionBuilder f) => f.Id("gated-step").OnEvent("shutdown/gated").Retries(2);

        /// <inheritdoc />
        public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
        {
            var value = await ctx.Step.RunAsync("gated", async () =>
            {
                gate.Attempts.Enqueue(ctx.Attempt);
                if (probe.Hit("gated") == 1)
                {
                    gate.Entered.TrySetResult();
                    await gate.Release.Task.WaitAsync(ctx.CancellationToken);
                }
                return "stepped";
            });
            return value + "-done";
        }
    }

    /// <summary>What the test controls and observes of <see cref="GatedStep"/>.</summary>
    public sealed class StepGate
    {
        /// <summary>Set when the first call is inside the step.</summary>
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Set by the test to let the first call's step return.</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The attempt of each call that entered the step.</summary>
        public ConcurrentQueue<int> Attempts { get; } = new();
    }
}
