using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchyard.Server.Tests.Infrastructure;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Server.Tests;

/// <summary><see cref="ShutdownTests"/> on the SQLite store, which the server's one process claims from.</summary>
public sealed class SqliteShutdownTests : ShutdownTests
{
    private readonly string _dataDir = TempDir.Create();

    /// <inheritdoc />
    protected override Task<TestServer> StartAsync(TimeSpan grace) => TestServer.StartAsync(o => o.ShutdownGrace = grace, _dataDir);

    /// <inheritdoc />
    protected override BackgroundService Scheduler(TestServer server) => server.Services.GetRequiredService<LocalScheduler>();

    /// <inheritdoc />
    protected override Task<List<string>> QueryAsync(string sql) => StoreFile.QueryAsync(_dataDir, sql, s => s);

    /// <inheritdoc />
    protected override Task AssertHandedOnAsync(string runId) => Task.CompletedTask;
}
