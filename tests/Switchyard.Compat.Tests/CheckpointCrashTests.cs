using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>Crash safety with async checkpointing on: a real <c>yard dev</c> process is <c>kill -9</c>ed while the
/// unmodified JS app is inside checkpointed calls (some steps of a run stored, the rest still running in the app), and
/// after a restart on the same data every run completes, each step stored once with its own value.</summary>
public sealed class CheckpointCrashTests
{
    private const int Runs = 40;
    private const string FunctionId = "compat-js-ckpt-crash";

    [Fact]
    public async Task Killing_the_server_during_checkpointed_runs_loses_no_run_and_no_step()
    {
        var dataDir = TempDir.Create();
        var port = Loopback.FreePort();
        var yard = await YardProcess.StartDevAsync(dataDir, port);
        await using var node = await NodeApp.StartAsync(new Dictionary<string, string> { ["INNGEST_DEV"] = yard.Url.ToString().TrimEnd('/') }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = yard.Url };
        try
        {
            using (var sync = await http.PostAsJsonAsync("/v1/apps/sync", new { url = node.ServeUrl.ToString() }))
                Assert.True(sync.IsSuccessStatusCode, await sync.Content.ReadAsStringAsync());
            using (var sent = await http.PostAsJsonAsync("/e/dev", Enumerable.Range(0, Runs).Select(n => new { name = "compat/ckpt-crash", id = $"ckpt-crash-{n}", data = new { n } })))
                Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());

            // Each run checkpoints a step every ~100 ms in one call; kill once several runs are part-way through.
            await Eventually.TrueAsync(async () => await PartWayAsync(http) >= 3, "runs part-way through their checkpointed steps", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
            yard.Kill();
            await yard.DisposeAsync();
            yard = await YardProcess.StartDevAsync(dataDir, port);

            JsonArray runs = [];
            await Eventually.TrueAsync(async () =>
            {
                runs = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs?function={FunctionId}&count=1000"))!["runs"]!.AsArray();
                return runs.Count == Runs && runs.All(r => (string?)r!["status"] == "Completed");
            }, () => $"all {Runs} runs to complete: {runs.ToJsonString()}\n{node.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
            var seen = new HashSet<int>();
            foreach (var run in runs)
            {
                var detail = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs/{run!["id"]}"))!;
                var output = detail["run"]!["output"]!;
                seen.Add(output["n"]!.GetValue<int>());
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[0,1,2,3]"), output["values"]), detail.ToJsonString());
                var steps = detail["steps"]!.AsArray();
                Assert.Equal(4, steps.Count);
                Assert.Equal(4, steps.Select(s => (string?)s!["hash"]).Distinct().Count());
                Assert.Equal(4, CompatTests.History(detail, "step.completed").Count);
            }
            Assert.Equal(Runs, seen.Count);
        }
        finally
        {
            await yard.DisposeAsync();
        }
    }

    /// <summary>Runs with some but not all steps stored: inside a checkpointed call.</summary>
    private static async Task<int> PartWayAsync(HttpClient http)
    {
        var count = 0;
        foreach (var run in (await http.GetFromJsonAsync<JsonObject>($"/v1/runs?function={FunctionId}&status=Running&count=1000"))!["runs"]!.AsArray())
        {
            var steps = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs/{run!["id"]}"))!["steps"]!.AsArray().Count;
            if (steps is > 0 and < 4) count++;
        }
        return count;
    }
}
