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
        for (var batch = 0; batch < runs / 50; batch++)
        {
            using var response = await http.PostAsJsonAsync("/e/k", Enumerable.Range(batch * 50, 50).Select(n => new { name = "crash/run", data = new { n } }));
            acknowledged.AddRange((await response.Content.ReadFromJsonAsync<JsonObject>())!["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        }
        // Let some work happen, then pull the plug while runs are in flight.
        while (probe.Count("0:a") == 0) await Task.Delay(10);
        await Task.Delay(200);
        yard.Kill();
        await yard.DisposeAsync();

        await using var again = await YardProcess.StartDevAsync(dataDir, port);
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
        foreach (var run in all.Take(50))
        {
            var detail = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs/{run!["id"]}"))!;
            var steps = detail["steps"]!.AsArray();
            Assert.Equal(3, steps.Count);
            Assert.Equal(3, steps.Select(s => s!["hash"]!.GetValue<string>()).Distinct().Count());
            var n = steps[0]!["value"]!["data"]!.GetValue<int>();
            Assert.Equal(n * 6, detail["run"]!["output"]!.GetValue<int>());
        }
    }

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
