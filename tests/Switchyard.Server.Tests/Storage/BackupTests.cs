using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Engine.Storage;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Server.Tests.Storage;

/// <summary><c>yard backup</c> / <c>yard restore</c> on SQLite: an online copy taken under write load holds every
/// event acknowledged before it started; restoring over a store a live server uses is refused.</summary>
public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_under_write_load_restores_every_event_acknowledged_before_it_started()
    {
        var dataDir = TempDir.Create();
        var backup = Path.Combine(TempDir.Create(), "copy.db");
        List<string> ackedBeforeBackup;
        string storePath;
        await using (var server = await TestServer.StartAsync(dataDir: dataDir))
        {
            storePath = server.Options.SqlitePath;
            var acked = new ConcurrentQueue<string>();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                    foreach (var id in await server.SendAsync(new { name = "backup/load", data = new { w, i } })) acked.Enqueue(id);
            })).ToList();
            await Eventually.TrueAsync(() => Task.FromResult(acked.Count >= 100), "100 events acknowledged");

            ackedBeforeBackup = acked.ToList();
            var files = SqliteBackup.Backup(storePath, backup);
            Assert.Equal([backup, SqliteStore.TelemetryPath(backup)], files);
            var ackedDuring = acked.Count;
            await Eventually.TrueAsync(() => Task.FromResult(acked.Count >= ackedDuring + 20), "writes going on after the backup");

            // The server still has the store open: restoring over it is refused and leaves it intact.
            var refused = Assert.Throws<IOException>(() => SqliteBackup.Restore(backup, storePath));
            Assert.Contains("in use", refused.Message, StringComparison.Ordinal);
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.True(await server.Services.GetRequiredService<IStore>().Reader.CountEventsAsync(default) >= acked.Count);
        }

        // A backup never overwrites.
        Assert.Throws<IOException>(() => SqliteBackup.Backup(storePath, backup));

        Assert.Equal([storePath, SqliteStore.TelemetryPath(storePath)], SqliteBackup.Restore(backup, storePath));
        await using (var restored = await TestServer.StartAsync(dataDir: dataDir))
        {
            var reader = restored.Services.GetRequiredService<IStore>().Reader;
            foreach (var id in ackedBeforeBackup) Assert.NotNull(await reader.GetEventAsync(id, default));
            // The restored server keeps working.
            var next = Assert.Single(await restored.SendAsync(new { name = "backup/after", data = new { } }));
            Assert.NotNull(await reader.GetEventAsync(next, default));
        }
    }
}
