using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Engine.Model;
using Switchyard.Storage.Sqlite;
using Switchyard.Testing;

namespace Switchyard.Engine.Tests.Storage;

/// <summary>Internal events raised in a transaction must be ingested by the same write: a write that leaves them
/// behind fails and keeps nothing, instead of handing them to whichever caller's work comes next.</summary>
public sealed class RaisedEventsTests
{
    [Fact]
    public async Task A_write_that_raises_events_without_ingesting_them_fails_and_keeps_nothing()
    {
        await using var store = new SqliteStore(Path.Combine(TempDir.Create(), "s.db"), NullLogger<SqliteStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(tx =>
        {
            tx.KvPut("test", "k", "v", null);
            tx.Raise(new IncomingEvent("inngest/function.finished", new JsonObject(), null, null, null, null));
            return 0;
        }));
        Assert.Contains("EventIngest.WriteAsync", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.Reader.KvGetAsync("test", "k", CancellationToken.None));

        // The next write is unaffected and sees no left-over events.
        Assert.Empty(await store.WriteAsync(tx => tx.TakeRaised()));
    }
}
