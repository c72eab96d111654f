using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Server.Tests.Infrastructure;
using Switchyard.Storage.Postgres;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Two replicas (two stores on one database) claiming work of one family: counting a family's active items
/// locks the family until the claim commits, so the second replica sees the first one's claim and a family's
/// concurrency holds across replicas.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkClaimTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_replica_counting_active_items_waits_for_the_other_replicas_claim()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        await using var a = new PostgresStore(url, NullLogger<PostgresStore>.Instance);
        await using var b = new PostgresStore(url, NullLogger<PostgresStore>.Instance);
        await a.InitializeAsync(default);
        await b.InitializeAsync(default);
        await a.WriteAsync(tx =>
        {
            foreach (var id in new[] { "w1", "w2" })
                tx.InsertWorkItem(new WorkItem(id, "jobs", QueuePriority.P2, "{}", null, WorkItemState.Queued, tx.Now, 0, tx.Now, null, null, 0, null, null, 0));
            return 0;
        });

        using var inside = new SemaphoreSlim(0);
        var first = a.WriteAsync(tx =>
        {
            var active = tx.CountActiveWork("jobs");
            tx.UpdateWorkItem(tx.GetWorkItem("w1")! with { State = WorkItemState.Active });
            inside.Release();
            // Holds the claim open while the other replica counts.
            Thread.Sleep(300);
            return active;
        });
        await inside.WaitAsync();
        var second = await b.WriteAsync(tx => tx.CountActiveWork("jobs"));
        Assert.Equal(0, await first);
        Assert.Equal(1, second);
    }
}
