using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Cli.Tests.Ports;

namespace Switchyard.Cli.Tests.Process;

/// <summary><c>yard dev</c> prints one line per run start and finish by default (issue 18: it was silent while runs
/// flowed), and <c>--quiet</c> turns the lines off. stdout is not a terminal here, so each line is a JSON object.</summary>
public sealed class DevRunLogTests
{
    [Fact]
    public async Task Yard_dev_prints_a_line_when_a_run_starts_and_when_it_completes()
    {
        await using var dev = await StartAsync("runlog");
        var runId = await RunOneAsync(dev.Yard);

        await Eventually.TrueAsync(() => Task.FromResult(Lines(dev.Yard.Output).Any(l => l["id"]?.GetValue<string>() == runId && l["status"]?.GetValue<string>() == "completed")),
            () => $"a completed line for {runId} in:\n{dev.Yard.Output}", TimeSpan.FromSeconds(30));
        var lines = Lines(dev.Yard.Output).Where(l => l["id"]?.GetValue<string>() == runId).ToList();
        Assert.Equal(["started", "completed"], lines.Select(l => l["status"]!.GetValue<string>()));
        Assert.All(lines, l => Assert.Equal("runlog-one-step", l["function"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Yard_dev_quiet_prints_no_run_lines()
    {
        await using var dev = await StartAsync("quietlog", "--quiet");
        var runId = await RunOneAsync(dev.Yard);
        using var http = new HttpClient { BaseAddress = dev.Yard.Url };
        await Eventually.TrueAsync(async () => (await http.GetStringAsync($"/v1/runs/{runId}")).Contains("\"Completed\"", StringComparison.Ordinal),
            $"run {runId} to complete", TimeSpan.FromSeconds(30));
        Assert.Empty(Lines(dev.Yard.Output));
    }

    private static async Task<DevWithApp> StartAsync(string appId, params string[] extra)
    {
        var port = Loopback.FreePort();
        var app = await TestApp.StartAsync(new Uri($"http://127.0.0.1:{port}"), appId, sdk => sdk.AddFunction<OneStep>(), sync: false);
        var yard = await YardProcess.StartDevAsync(TempDir.Create(), port, ["--app", app.ServeUrl.ToString(), .. extra]);
        return new DevWithApp(yard, app);
    }

    /// <summary>Sends the event once the app has synced and returns the id of the run it started.</summary>
    private static async Task<string> RunOneAsync(YardProcess yard)
    {
        using var http = new HttpClient { BaseAddress = yard.Url };
        await Eventually.TrueAsync(async () => (await http.GetStringAsync("/v1/functions")).Contains("one-step", StringComparison.Ordinal), "the app to sync", TimeSpan.FromSeconds(30));
        using var sent = await http.PostAsJsonAsync("/e/dev", new { name = "ports/one-step", data = new { } });
        var eventId = (await sent.Content.ReadFromJsonAsync<JsonObject>())!["ids"]![0]!.GetValue<string>();
        return await Eventually.GetAsync(async () =>
            (await http.GetFromJsonAsync<JsonObject>($"/v1/events/{eventId}"))!["runs"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>(),
            () => $"a run of event {eventId}", TimeSpan.FromSeconds(30));
    }

    /// <summary>The run lines: JSON objects of the form <c>{"run":{id, function, status, at}}</c>.</summary>
    private static List<JsonObject> Lines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("{\"run\"", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!["run"]!.AsObject()).ToList();

    private sealed record DevWithApp(YardProcess Yard, TestApp App) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Yard.DisposeAsync();
            await App.DisposeAsync();
        }
    }
}
