using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Client;
using Switchyard.Configuration;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>A scheduled pipeline on two replicas sharing one PostgreSQL store: both tick, each tick starts one run.</summary>
public sealed class PipelineReplicaTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Two_replicas_with_a_one_second_schedule_start_exactly_one_run_per_tick()
    {
        Assert.Null(postgres.Unavailable);
        var store = await postgres.CreateDatabaseAsync();
        void Configure(ServerOptions o)
        {
            o.Store = store;
            o.Pipelines["tick"] = JsonNode.Parse("""{"schedule":"* * * * * *","nodes":[{"id":"a","handler":"noop"}]}""")!.AsObject();
        }
        await using var first = await TestServer.StartAsync(Configure);
        await using var second = await TestServer.StartAsync(Configure);
        // The orchestrator's worker registers with the first replica; the second learns of it through the store.
        await using var worker = WorkerApp.Build(new WorkerOptions { Role = WorkerRoles.Host, Port = 0, ServerUrl = first.Url, SyncAtStart = false }, _ => { });
        await worker.StartAsync();
        await worker.SyncAsync();
        using var client = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = second.Url });

        // Six ticks after both replicas know the orchestrator.
        var history = await Eventually.GetAsync(async () =>
        {
            var h = await client.GetPipelineHistoryAsync("tick", 500);
            return h.Entries.Count(e => e.Outcome == "matched") >= 6 ? h : null;
        }, "six ticks of the pipeline", TimeSpan.FromSeconds(40));

        var byTick = history.Entries.GroupBy(e => long.Parse(e.EventId[(e.EventId.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)).ToList();
        // One decision and at most one run per tick, whichever replica claimed it.
        Assert.All(byTick, g => Assert.True(g.Count() == 1, $"tick {g.Key} was decided {g.Count()} times: {string.Join(", ", g.Select(e => e.Outcome))}"));
        var started = history.Entries.Where(e => e.RunId is not null).Select(e => e.RunId!).ToList();
        Assert.Equal(started.Count, started.Distinct().Count());
        var runs = (await client.ListDagRunsAsync("tick")).Runs.Select(r => r.RunId).ToHashSet();
        Assert.True(runs.IsSupersetOf(started), "a tick's run is missing from the DAG runs");
        // No tick of the observed span was skipped because one replica did not yet know the orchestrator.
        Assert.DoesNotContain(history.Entries, e => e.Outcome != "matched");
        await worker.StopAsync();
    }
}
