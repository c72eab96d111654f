using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Client;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Server.Tests.Retention;

/// <summary><c>POST /v1/gc</c> (what <c>yard gc</c> calls): a dry run counts per kind and deletes nothing; a real run
/// deletes exactly that; a live run is never touched.</summary>
public sealed class GcApiTests
{
    [Fact]
    public async Task A_dry_run_counts_what_gc_then_deletes_and_live_runs_stay()
    {
        await using var server = await TestServer.StartAsync(o => o.Retention.Completed = TimeSpan.FromDays(1));
        var store = server.Services.GetRequiredService<IStore>();
        var old = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        var seq = await store.WriteAsync(tx => tx.InsertEvent(new StoredEvent(0, "gc-e", "gc/e", """{"name":"gc/e","data":{}}""", old, tx.Now, "api")));
        await store.WriteAsync(tx =>
        {
            tx.InsertRun(new RunRecord("gc-done", "f", "a", "gc-e", seq, RunStatus.Completed, old, old, old, null, null, 1, false, [], null, null));
            tx.AppendHistory(new HistoryEntry(0, "gc-done", old, HistoryKind.RunCompleted, null, null, null, 1, null, null));
            tx.InsertRun(new RunRecord("gc-live", "f", "a", "gc-e", seq, RunStatus.Running, old, old, null, null, null, 1, false, [], null, null));
            return 0;
        });
        using var client = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = server.Url, Timeout = TimeSpan.FromSeconds(30) });

        var dry = await client.GcAsync(dryRun: true);
        Assert.True(dry.DryRun);
        Assert.Equal((1, 1), (dry.Counts.Runs, dry.Counts.History));
        Assert.NotNull(await store.Reader.GetRunAsync("gc-done", default));

        var done = await client.GcAsync(dryRun: false);
        Assert.Equal((false, 1, 1), (done.DryRun, done.Counts.Runs, done.Counts.History));
        Assert.Null(await store.Reader.GetRunAsync("gc-done", default));
        Assert.NotNull(await store.Reader.GetRunAsync("gc-live", default));
        Assert.NotNull(await store.Reader.GetEventBySeqAsync(seq, default));
        Assert.Equal(0, (await client.GcAsync(dryRun: true)).Counts.Runs);

        var bad = await server.Http.PostAsync("/v1/gc?dry_run=maybe", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("dry_run", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
