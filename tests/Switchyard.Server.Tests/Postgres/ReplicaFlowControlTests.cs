using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Server.Tests.Infrastructure;
using Switchyard.Storage.Postgres;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Two server replicas on one PostgreSQL: they migrate a fresh database at once, and flow control holds across
/// them when the events are spread over both (as a load balancer would).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaFlowControlTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly Intervals _serialized = new();
    private TestServer _a = null!;
    private TestServer _b = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        // Started together, so that they also migrate the fresh database together.
        var starting = new[] { TestServer.StartAsync(o => o.Store = url), TestServer.StartAsync(o => o.Store = url) };
        await Task.WhenAll(starting);
        (_a, _b) = (starting[0].Result, starting[1].Result);
        _app = await TestApp.StartAsync(_a, "rflow", sdk => sdk.AddFunction<Serialized>().AddFunction<RateLimited>().AddFunction<Idempotent>().AddFunction<Debounced>(),
            s => s.AddSingleton(new IntervalsByFunction(new Intervals(), _serialized)));
        // Both replicas must know the functions before events can match on either.
        foreach (var server in new[] { _a, _b })
            await Eventually.TrueAsync(async () => (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Count == 4, "the functions on every replica");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_migrations_of_one_database_apply_each_version_once()
    {
        var url = await postgres.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(url, NullLogger<PostgresStore>.Instance)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None))));
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_version", connection);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(r.GetInt64(0), r.GetInt64(1));
        Assert.Equal(r.GetInt64(0), (long)r.GetInt32(2));
    }

    [Fact]
    public async Task Concurrency_one_per_key_holds_across_replicas()
    {
        const int runs = 16;
        for (var i = 0; i < runs; i++) await (i % 2 == 0 ? _a : _b).SendAsync(new { name = "flow/serialized", data = new { key = "k" } });
        var all = await FinishedAsync("rflow-serialized", runs);
        Assert.All(all, r => Assert.Equal("Completed", r!["status"]!.GetValue<string>()));
        Assert.Equal(runs, _serialized.Count);
        Assert.True(_serialized.MaxOverlap("k") == 1, $"{_serialized.MaxOverlap("k")} runs of key k were inside the critical section at once");
    }

    [Fact]
    public async Task Rate_limit_and_idempotency_hold_across_replicas()
    {
        var rateFirst = (await _a.SendAsync(new { name = "flow/rate", data = new { user = "u1" } }))[0];
        var rateSecond = (await _b.SendAsync(new { name = "flow/rate", data = new { user = "u1" } }))[0];
        var orderFirst = (await _b.SendAsync(new { name = "flow/order", data = new { orderId = "o-1" } }))[0];
        var orderSecond = (await _a.SendAsync(new { name = "flow/order", data = new { orderId = "o-1" } }))[0];

        Assert.Equal("matched", (await DecisionAsync(_b, rateFirst))["outcome"]!.GetValue<string>());
        Assert.Equal("rate_limited", (await DecisionAsync(_a, rateSecond))["outcome"]!.GetValue<string>());
        var order = await DecisionAsync(_a, orderFirst);
        var repeat = await DecisionAsync(_b, orderSecond);
        Assert.Equal("skipped_idempotency", repeat["outcome"]!.GetValue<string>());
        Assert.Equal(order["runId"]!.GetValue<string>(), repeat["runId"]!.GetValue<string>());
        Assert.Single(await FinishedAsync("rflow-rate-limited", 1));
        Assert.Single(await FinishedAsync("rflow-idempotent", 1));
    }

    [Fact]
    public async Task Debounce_with_events_on_both_replicas_runs_once_with_the_last_event()
    {
        for (var v = 1; v <= 4; v++)
        {
            await (v % 2 == 0 ? _a : _b).SendAsync(new { name = "flow/debounce", data = new { doc = "d1", v } });
            await Task.Delay(100);
        }
        await FinishedAsync("rflow-debounced", 1);
        // Past another debounce period: a second run would have started by now.
        await Task.Delay(1000);
        var run = Assert.Single(await FinishedAsync("rflow-debounced", 1));
        Assert.Equal(4, run!["output"]!.GetValue<int>());
    }

    private static async Task<JsonObject> DecisionAsync(TestServer server, string eventId) =>
        await Eventually.GetAsync(async () =>
            (await server.GetAsync($"/v1/events/{eventId}"))["decisions"]!.AsArray().SingleOrDefault()?.AsObject(), $"the decision on {eventId}");

    /// <summary>Runs of a function once at least <paramref name="atLeast"/> exist and all are finished, read through replica B.</summary>
    private async Task<JsonArray> FinishedAsync(string functionId, int atLeast) =>
        await Eventually.GetAsync(async () =>
        {
            var runs = (await _b.GetAsync($"/v1/runs?function={functionId}&count=10000"))["runs"]!.AsArray();
            return runs.Count >= atLeast && runs.All(r => r!["status"]!.GetValue<string>() is "Completed" or "Failed" or "Cancelled") ? runs : null;
        }, $"{atLeast} finished runs of {functionId}");
}
