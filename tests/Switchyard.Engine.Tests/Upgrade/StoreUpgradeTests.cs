using System.Text.Json.Nodes;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Tests.Clock;

namespace Switchyard.Engine.Tests.Upgrade;

/// <summary>A store written by the build before the engine split (commit 9687816, string statuses and kinds) opens with
/// this build, reads back as typed records, and its unfinished runs keep going: a sleeping run wakes at its old due
/// time and a waiting run is resumed by its event. The fixture under <c>Upgrade/store-9687816</c> was written by
/// that commit's test suite (see its README).</summary>
public sealed class StoreUpgradeTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Upgrade", "store-9687816");

    [Fact]
    public async Task A_store_written_by_the_previous_build_opens_and_its_runs_continue()
    {
        var ids = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "runs.json")))!.AsObject();
        var writtenAt = DateTimeOffset.FromUnixTimeMilliseconds(ids["writtenAt"]!.GetValue<long>());
        await using var host = await EngineHost.OpenAsync(Fixture, writtenAt.AddMinutes(1), _ => AppAnswer.Done(JsonValue.Create("after upgrade")));
        string Id(string name) => ids[name]!.GetValue<string>();
        async Task<RunRecord> Run(string name) => (await host.Store.Reader.GetRunAsync(Id(name), CancellationToken.None))!;

        // Registry, runs, history, steps and decisions read back as typed records.
        Assert.Contains(host.Get<FunctionRegistry>().Current.Functions, f => f.Id == "upgrade-approval");
        Assert.Equal(RunStatus.Completed, (await Run("flaky")).Status);
        Assert.Equal(RunStatus.Failed, (await Run("doomed")).Status);
        Assert.Equal(RunStatus.Completed, (await Run("three")).Status);
        var flakyHistory = await host.HistoryAsync(Id("flaky"));
        Assert.Equal(2, flakyHistory.Count(h => h.Kind == HistoryKind.StepErrored));
        Assert.Equal(2, flakyHistory.Count(h => h.Kind == HistoryKind.RetryScheduled));
        Assert.Contains(flakyHistory, h => h.Kind == HistoryKind.RunCompleted);
        var three = await Run("three");
        Assert.Contains(await host.Store.Reader.DecisionsForEventAsync(three.EventSeq, CancellationToken.None), d => d.Outcome == DecisionOutcome.Matched && d.RunId == three.Id);
        var queue = await host.Store.Reader.LoadQueueAsync(CancellationToken.None);
        Assert.Contains(queue, q => q.Kind == QueueItemKind.Sleep && q.RunId == Id("sleeper"));
        Assert.Contains(queue, q => q.Kind == QueueItemKind.WaitTimeout && q.RunId == Id("waiter"));

        // The waiting run resumes on its event, the sleeping one when its hour is up; both finish on this build.
        await host.SendAsync("e2e/approved", new JsonObject { ["id"] = "order-1", ["note"] = "ok" });
        await host.UntilHistoryAsync(Id("waiter"), HistoryKind.WaitResolved);
        await host.UntilStatusAsync(Id("waiter"), RunStatus.Completed);
        Assert.Equal(RunStatus.Running, (await Run("sleeper")).Status);
        host.Advance(TimeSpan.FromHours(1));
        await host.UntilHistoryAsync(Id("sleeper"), HistoryKind.SleepEnded);
        await host.UntilStatusAsync(Id("sleeper"), RunStatus.Completed);
        Assert.Equal("\"after upgrade\"", (await Run("sleeper")).Output);
    }
}
