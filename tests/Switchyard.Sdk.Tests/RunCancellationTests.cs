using Switchyard.Testing;

namespace Switchyard.Sdk.Tests;

/// <summary>Cancelling a run on the server while one of its steps runs reaches the step body's
/// <see cref="CancellationToken"/>: the server aborts the in-flight call, so a long step stops instead of running to
/// its end (or the 5-minute call timeout) for an answer nobody applies.</summary>
public sealed class RunCancellationTests
{
    /// <summary>A step that runs until its token fires, reporting when it started and when it saw cancellation.</summary>
    public sealed class LongStep : SwitchyardFunction<Job, string>, IFunctionDefinition
    {
        public static readonly TaskCompletionSource<string> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public static readonly TaskCompletionSource Observed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static void Define(FunctionBuilder f) => f.Id("long").OnEvent("jobs/long");

        public override async Task<string> RunAsync(FunctionContext<Job> ctx)
        {
            await ctx.Step.RunAsync("crunch", async ct =>
            {
                Started.TrySetResult(ctx.RunId);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Observed.TrySetResult();
                    throw;
                }
            });
            return "done";
        }
    }

    public sealed record Job(string Name);

    [Fact]
    public async Task CancellingTheRunCancelsTheRunningStepsToken()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "cancelling", sdk => sdk.AddFunction<LongStep>());

        await server.SendEventAsync("jobs/long", new { name = "big" });
        var runId = await LongStep.Started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        using var cancel = await server.Http.PostAsync($"/v1/runs/{runId}/cancel", null);
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());

        // The call timeout is 5 minutes: only the abort can make the token fire within this wait.
        await LongStep.Observed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("Cancelled", (await server.WaitForRunAsync(runId))["run"]!["status"]!.GetValue<string>());
    }
}
