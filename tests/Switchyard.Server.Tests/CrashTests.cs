using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests;

/// <summary>Crash safety with real processes: the server is <c>kill -9</c>ed mid-load, or the app dies mid-step.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Killing_the_server_mid_load_loses_no_run_and_memoizes_each_step_once()
    {
        const int runs = 500;
        var probe = new Probe();
        var dataDir = TempDir.Create();
        var port = Loopback.FreePort();
        var serverUrl = new Uri($"http://127.0.0.1:{port}");
        var yard = await YardProcess.StartDevAsync(dataDir, port);
        await using var app = await TestApp.StartAsync(serverUrl, "crash", sdk => sdk.AddFunction<ThreeSteps>(), s => s.AddSingleton(probe));
        using var http = new HttpClient { BaseAddress = serverUrl };
        var acknowledged = new List<string>();
        // Batches go out while the server works; event ids make a batch sent again after the restart count once.
        async Task<int> SendAsync(int fromBatch)
        {
            for (var batch = fromBatch; batch < runs / 50; batch++)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/e/k", Enumerable.Range(batch * 50, 50).Select(n => new { name = "crash/run", id = $"crash-{n}", data = new { n } }));
                    if (!response.IsSuccessStatusCode) return batch;
                    var ids = (await response.Content.ReadFromJsonAsync<JsonObject>())!["ids"]!.AsArray().Select(i => i!.GetValue<string>());
                    lock (acknowledged) acknowledged.AddRange(ids);
                }
                catch (HttpRequestException)
                {
                    return batch;
                }
            }
            return runs / 50;
        }
        var sending = SendAsync(0);
        // Pull the plug while batches are still arriving and the app is running steps (the server finishes about
        // 2,000 of these runs a second, so waiting would let every run end first).
        while (Enumerable.Range(0, runs).Count(n => probe.Count($"{n}:a") > 0) < 20) await Task.Delay(1);
        yard.Kill();
        var stoppedAt = await sending;
        // Calls in flight at the kill finish in the app, but their answers are lost. Those runs ran a step in the app
        // and are unfinished in the store as the kill left it: the kill hit them mid-flight. (With checkpointing a
        // run is never seen "Running": its three steps and its end are one commit.)
        await Task.Delay(300);
        var ranInApp = Enumerable.Range(0, runs).Where(n => probe.Count($"{n}:a") > 0).ToHashSet();
        var unfinished = await UnfinishedAsync(dataDir);
        Assert.Contains(unfinished, n => ranInApp.Contains(n));
        Assert.True(stoppedAt < runs / 50 || unfinished.Count > 0, "the kill came after every run had finished");
        await yard.DisposeAsync();

        await using var again = await YardProcess.StartDevAsync(dataDir, port);
        Assert.Equal(runs / 50, await SendAsync(stoppedAt));
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonArray all;
        while (true)
        {
            all = (await http.GetFromJsonAsync<JsonObject>("/v1/runs?function=crash-three-steps&count=10000"))!["runs"]!.AsArray();
            if (all.Count == runs && all.All(r => r!["status"]!.GetValue<string>() == "Completed")) break;
            Assert.True(DateTime.UtcNow < deadline, $"{all.Count(r => r!["status"]!.GetValue<string>() == "Completed")}/{all.Count} runs completed");
            await Task.Delay(250);
        }
        var events = (await http.GetFromJsonAsync<JsonObject>("/v1/events?prefix=crash/run&count=10000"))!["events"]!.AsArray()
            .Select(e => e!["id"]!.GetValue<string>()).ToHashSet();
        Assert.True(events.SetEquals(acknowledged));
        // Every run, not a sample: three distinct steps, each memoized once, and the right result.
        foreach (var run in all)
        {
            var detail = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs/{run!["id"]}"))!;
            var steps = detail["steps"]!.AsArray();
            Assert.Equal(3, steps.Count);
            Assert.Equal(3, steps.Select(s => s!["hash"]!.GetValue<string>()).Distinct().Count());
            var n = steps[0]!["value"]!["data"]!.GetValue<int>();
            Assert.Equal(n * 6, detail["run"]!["output"]!.GetValue<int>());
        }
    }

    /// <summary>The <c>n</c> of every run not completed in the store a killed server left.</summary>
    private static Task<List<int>> UnfinishedAsync(string dataDir) => StoreFile.QueryAsync(dataDir,
        "SELECT e.body FROM runs r JOIN events e ON e.seq = r.event_seq WHERE r.function_id = 'crash-three-steps' AND r.status <> 'Completed'",
        body => JsonNode.Parse(body)!["data"]!["n"]!.GetValue<int>());

    [Fact]
    public async Task Killing_the_app_mid_step_retries_the_step()
    {
        var probe = new Probe();
        var gate = new HangGate();
        await using var server = await TestServer.StartAsync();
        var appPort = Loopback.FreePort();
        var app = await TestApp.StartAsync(server.Url, "crashapp", sdk => sdk.AddFunction<Hangs>(), s => s.AddSingleton(probe).AddSingleton(gate), appPort);
        var id = (await server.SendAsync(new { name = "crash/app" }))[0];
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await app.KillAsync();
        await using var restarted = await TestApp.StartAsync(server.Url, "crashapp", sdk => sdk.AddFunction<Hangs>(), s => s.AddSingleton(probe).AddSingleton(gate), appPort, sync: false);
        var runId = (await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        var run = await server.WaitForRunAsync(runId, TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal("done", run["run"]!["output"]!.GetValue<string>());
        Assert.True(probe.Count("slow") >= 2);
        Assert.True(run["history"]!.AsArray().Any(h => h!["kind"]!.GetValue<string>() == "retry.scheduled"), run["history"]!.ToJsonString());
    }
}
