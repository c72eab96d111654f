using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>The engine end-to-end suite on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEngineTests(PostgresServer postgres) : EngineTests
{
    protected override async Task<TestServer> CreateServerAsync()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        return await TestServer.StartAsync(o => o.Store = url);
    }
}

/// <summary>The flow-control suite on PostgreSQL (slots in the database, kv under advisory locks).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFlowControlTests(PostgresServer postgres) : FlowControlTests
{
    protected override async Task<TestServer> CreateServerAsync()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        return await TestServer.StartAsync(o => o.Store = url);
    }
}

/// <summary>The work-queue suite on PostgreSQL (family locks, row locks, kv under advisory locks).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQueueApiTests(PostgresServer postgres) : QueueApiTests
{
    protected override async Task<TestServer> CreateServerAsync(Action<Switchyard.Configuration.ServerOptions> configure)
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        return await TestServer.StartAsync(o => { configure(o); o.Store = url; });
    }
}
