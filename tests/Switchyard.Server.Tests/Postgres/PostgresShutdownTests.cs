using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Switchyard.Server.Tests.Infrastructure;
using Switchyard.Storage.Postgres;

namespace Switchyard.Server.Tests.Postgres;

/// <summary><see cref="ShutdownTests"/> on PostgreSQL, where replicas claim calls with leases: a stopped replica drains
/// within <c>shutdown_grace</c> and hands the cut-off calls on without waiting for their lease to run out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresShutdownTests(PostgresServer postgres) : ShutdownTests, IAsyncLifetime
{
    private string _url = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Assert.Null(postgres.Unavailable);
        _url = await postgres.CreateDatabaseAsync();
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    protected override Task<TestServer> StartAsync(TimeSpan grace) => TestServer.StartAsync(o => { o.Store = _url; o.ShutdownGrace = grace; });

    /// <inheritdoc />
    protected override BackgroundService Scheduler(TestServer server) => server.Services.GetRequiredService<PostgresScheduler>();

    /// <inheritdoc />
    protected override async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(_url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        return rows;
    }

    /// <inheritdoc />
    protected override async Task AssertHandedOnAsync(string runId)
    {
        // Unleased: another replica takes it at once instead of after the lease (10 s) runs out.
        var leaseUntil = long.Parse(Assert.Single(await QueryAsync($"SELECT lease_until FROM queue WHERE run_id = '{runId}' AND kind = 'call'")), CultureInfo.InvariantCulture);
        Assert.True(leaseUntil <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), $"the cut-off call is still leased until {DateTimeOffset.FromUnixTimeMilliseconds(leaseUntil):O}");
    }
}
