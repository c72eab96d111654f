using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Sdk;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Three real <c>yard</c> replicas on one PostgreSQL; one is <c>kill -9</c>ed mid-load.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaFaultTests(PostgresServer postgres)
{
    [Fact]
    public async Task Killing_one_of_three_replicas_loses_nothing_and_cron_fires_once_per_tick()
    {
        Assert.Null(postgres.Unavailable);
        const int runs = 150;
        var url = await postgres.CreateDatabaseAsync();
        var replicas = new List<YardProcess>();
        for (var i = 0; i < 3; i++) replicas.Add(await YardProcess.StartDevAsync(TempDir.Create(), null, "--store", url));
        var executions = new ConcurrentDictionary<string, int>();
        try
        {
            await using var app = await TestApp.StartAsync(replicas[0].Url, "rep", sdk => sdk.AddFunction<ReplicaSteps>().AddFunction<ReplicaTick>(),
                s => s.AddSingleton(executions));
            var clients = replicas.Select(r => new HttpClient { BaseAddress = r.Url, Timeout = TimeSpan.FromSeconds(10) }).ToList();
            // Every replica must see the registration before events can match on it.
            foreach (var c in clients)
                while ((await c.GetFromJsonAsync<JsonObject>("/v1/functions"))!["functions"]!.AsArray().Count < 2) await Task.Delay(100);

            var acknowledged = new List<string>();
            var killed = false;
            for (var n = 0; n < runs; n++)
            {
                if (n == runs / 2 && !killed)
                {
                    replicas[1].Kill();
                    killed = true;
                }
                for (var attempt = 0; ; attempt++)
                {
                    var client = clients[(n + attempt) % clients.Count];
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/e/k", new { name = "rep/run", data = new { n } });
                        if (!response.IsSuccessStatusCode) continue;
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["ids"]![0]!.GetValue<string>());
                        break;
                    }
                    catch (HttpRequestException) when (attempt < 5)
                    {
                        // The killed replica: send to the next one, as a load balancer would.
                    }
                }
            }

            var survivor = clients[0];
            var deadline = DateTime.UtcNow.AddSeconds(90);
            JsonArray all;
            while (true)
            {
                all = (await survivor.GetFromJsonAsync<JsonObject>("/v1/runs?function=rep-replica-steps&count=10000"))!["runs"]!.AsArray();
                if (all.Count == runs && all.All(r => r!["status"]!.GetValue<string>() == "Completed")) break;
                Assert.True(DateTime.UtcNow < deadline, $"{all.Count(r => r!["status"]!.GetValue<string>() == "Completed")}/{all.Count} completed");
                await Task.Delay(250);
            }
            var stored = (await survivor.GetFromJsonAsync<JsonObject>("/v1/events?prefix=rep/run&count=10000"))!["events"]!.AsArray()
                .Select(e => e!["id"]!.GetValue<string>()).ToHashSet();
            Assert.True(stored.IsSupersetOf(acknowledged), "an acknowledged event was lost");
            Assert.All(executions, e => Assert.True(e.Value == 1, $"{e.Key} executed {e.Value} times within one attempt"));

            async Task<List<DateTimeOffset>> TicksAsync() =>
                (await survivor.GetFromJsonAsync<JsonObject>("/v1/events?prefix=inngest/scheduled.timer&count=10000"))!["events"]!.AsArray()
                    .Where(e => e!["id"]!.GetValue<string>().StartsWith("cron:rep-replica-tick:", StringComparison.Ordinal))
                    .Select(e => DateTimeOffset.Parse(e!["data"]!["scheduledAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).Order().ToList();
            // The runs can finish within a couple of seconds of the schedule being first seen: wait (bounded) for the
            // third tick rather than counting whatever fired so far.
            var ticks = await TicksAsync();
            for (var tickDeadline = DateTime.UtcNow.AddSeconds(20); ticks.Count < 3 && DateTime.UtcNow < tickDeadline; ticks = await TicksAsync())
                await Task.Delay(250);
            Assert.True(ticks.Count >= 3, $"only {ticks.Count} cron fires");
            Assert.Equal(ticks.Count, ticks.Distinct().Count());
            for (var i = 1; i < ticks.Count; i++) Assert.True(ticks[i] - ticks[i - 1] <= TimeSpan.FromSeconds(3), $"cron gap {ticks[i - 1]:O} → {ticks[i]:O}");
        }
        finally
        {
            foreach (var r in replicas) await r.DisposeAsync();
        }
    }
}

public sealed class ReplicaSteps(ConcurrentDictionary<string, int> executions) : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("replica-steps").OnEvent("rep/run");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var n = ctx.Event.Data["n"]!.GetValue<int>();
        var total = 0;
        foreach (var step in new[] { "a", "b", "c" })
            total += await ctx.Step.RunAsync(step, () => { executions.AddOrUpdate($"{ctx.RunId}:{step}:{ctx.Attempt}", 1, (_, v) => v + 1); return n; });
        return total;
    }
}

public sealed class ReplicaTick : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("replica-tick").OnCron("* * * * * *");

    public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => Task.FromResult<object?>("tick");
}
