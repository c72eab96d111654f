using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Server.Tests;

/// <summary>Shutting a store down never fails on its own cancellation (issue 20: a fresh-clone run failed when the
/// checkpointer's cancelled loop rethrew from <c>DisposeAsync</c>).</summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Disposing_a_checkpointer_at_any_point_of_its_start_never_throws()
    {
        var path = Path.Combine(TempDir.Create(), "c.db");
        var connection = $"Data Source={path}";
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var checkpointer = new SqliteCheckpointer(connection, NullLogger.Instance);
            checkpointer.Start();
            // Cancel at different points: before the connection opens, while it opens, inside the wait.
            if (i % 3 == 1) await Task.Yield();
            if (i % 3 == 2) await Task.Delay(1);
            try { await checkpointer.DisposeAsync(); }
            catch (Exception ex) { failures.Add($"{i}: {ex.GetType().Name}"); }
        }
        Assert.Empty(failures);
    }
}
