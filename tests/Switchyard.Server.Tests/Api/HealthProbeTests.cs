using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Switchyard.Engine.Storage;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary><c>/health/live</c> and <c>/health/ready</c>, the probes of deploy/k8s: public, 200 on a running server,
/// and ready turns 503 with a reason when the store cannot be read.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Live_and_ready_answer_200_without_a_token_outside_dev_mode()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key-1";
            o.SigningKey = "signkey-prod-" + new string('a', 64);
            o.ApiToken = "token-123";
        });
        foreach (var (path, status) in new[] { ("/health/live", "live"), ("/health/ready", "ready") })
        {
            using var response = await server.Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
            Assert.Equal(status, JsonNode.Parse(body)!["status"]!.GetValue<string>());
        }
        // /health keeps its shape.
        Assert.Equal("ok", (await server.GetAsync("/health"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readiness_waits_for_migrations()
    {
        await using var server = await TestServer.StartAsync();
        var fresh = new ServerReadiness();
        Assert.Equal("store migrations have not finished",
            await fresh.ProblemAsync(server.Services.GetRequiredService<IStore>(), ServerReadiness.StoreTimeout, CancellationToken.None));
        Assert.True(server.Services.GetRequiredService<ServerReadiness>().Migrated);
    }
}

/// <summary>Ready on PostgreSQL, and 503 once its database refuses connections (closed under the server: the cheapest outage to
/// make on a shared test cluster), while live stays 200 so Kubernetes does not restart the replica.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHealthProbeTests(PostgresServer postgres)
{
    [Fact]
    public async Task Ready_answers_503_with_a_reason_when_the_database_is_unreachable()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        await using var server = await TestServer.StartAsync(o => o.Store = url);
        using (var ready = await server.Http.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var database = new Uri(url).AbsolutePath.TrimStart('/');
        await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={postgres.Port};Username=postgres;Database=postgres"))
        {
            await connection.OpenAsync();
            // Refuse new connections and end the server's: unlike DROP DATABASE, which waits for a checkpoint (over
            // 30 s once on a loaded machine), this takes no I/O.
            await using var refuse = new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS false", connection);
            await refuse.ExecuteNonQueryAsync();
            await using var end = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", connection);
            await end.ExecuteNonQueryAsync();
        }

        using var unready = await server.Http.GetAsync("/health/ready");
        var body = JsonNode.Parse(await unready.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        Assert.Equal("unready", body["status"]!.GetValue<string>());
        Assert.Contains("postgres", body["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        using var live = await server.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
