using System.Text.Json.Nodes;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Replicas on one PostgreSQL heartbeat into it, so any replica's <c>yard status</c> and <c>yard topology</c>
/// list all of them: live, cleanly stopped, and silent (killed).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaVisibilityTests(PostgresServer postgres)
{
    [Fact]
    public async Task Status_and_topology_of_one_replica_list_live_stopped_and_killed_replicas()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        void Fast(Switchyard.Configuration.ServerOptions o) { o.Store = url; o.ReplicaHeartbeat = TimeSpan.FromMilliseconds(200); }
        await using var a = await TestServer.StartAsync(Fast);
        var b = await TestServer.StartAsync(Fast);
        // A real `yard dev` process, so that it can be killed without a goodbye.
        var c = await YardProcess.StartDevAsync(TempDir.Create(), null, "--store", url);
        var bStopped = false;
        try
        {
            await Eventually.TrueAsync(async () => Replicas(await a.GetAsync("/v1/status")).Count == 3, "three replicas in A's status");
            var first = Replicas(await a.GetAsync("/v1/status"));
            Assert.Equal("ok", Line(first, b.Url)["status"]!.GetValue<string>());
            Assert.Equal("ok", Line(first, a.Url)["status"]!.GetValue<string>());

            c.Kill();
            await b.DisposeAsync();
            bStopped = true;

            JsonObject status = null!;
            await Eventually.TrueAsync(async () =>
            {
                status = await a.GetAsync("/v1/status");
                var lines = Replicas(status);
                return Line(lines, c.Url)["status"]!.GetValue<string>() == "down" && Line(lines, b.Url)["status"]!.GetValue<string>() == "stopped";
            }, () => $"B stopped and C down in {status?.ToJsonString()}");
            var replicas = Replicas(status);
            Assert.Equal("ok", Line(replicas, a.Url)["status"]!.GetValue<string>());
            Assert.Contains("silent", Line(replicas, c.Url)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("restart it", Line(replicas, c.Url)["fix"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("degraded", status["overall"]!.GetValue<string>());

            var topology = await a.GetAsync("/v1/topology");
            var components = topology["components"]!.AsArray().Where(x => x!["kind"]!.GetValue<string>() == "replica").ToList();
            string State(Uri server) => components.Single(x => new Uri(x!["address"]!.GetValue<string>()).Port == server.Port)!["state"]!.GetValue<string>();
            Assert.Equal(("live", "stopped", "silent"), (State(a.Url), State(b.Url), State(c.Url)));

            // The CLI a user runs shows the same, as a process.
            var (code, envelope, stderr) = await Yard.RunJsonAsync("status", "--json", "--server", a.Url.ToString());
            Assert.True(code == 0, stderr);
            Assert.Equal(3, envelope["result"]!["components"]!.AsArray().Count(x => x!["component"]!.GetValue<string>().StartsWith("replica ", StringComparison.Ordinal)));
            var text = await Yard.RunAsync("topology", "--format", "md", "--server", a.Url.ToString());
            Assert.True(text.ExitCode == 0, text.Stderr);
            Assert.Contains($"http://127.0.0.1:{c.Url.Port} | silent (yard ", text.Stdout, StringComparison.Ordinal);
            Assert.Contains($"http://127.0.0.1:{b.Url.Port} | stopped (yard ", text.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await c.DisposeAsync();
            if (!bStopped) await b.DisposeAsync();
        }
    }

    private static List<JsonObject> Replicas(JsonObject status) =>
        status["components"]!.AsArray().Select(x => x!.AsObject()).Where(x => x["component"]!.GetValue<string>().StartsWith("replica ", StringComparison.Ordinal)).ToList();

    private static JsonObject Line(List<JsonObject> lines, Uri server) =>
        lines.Single(l => l["detail"]!.GetValue<string>().StartsWith($"http://127.0.0.1:{server.Port} ", StringComparison.Ordinal));
}
