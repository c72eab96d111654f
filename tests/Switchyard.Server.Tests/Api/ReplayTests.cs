using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests;

/// <summary><c>yard replay</c>'s window and status filter: <c>--status failed</c> replays only the events of failed
/// runs, and <c>--to</c> ends the window.</summary>
public sealed class ReplayTests
{
    /// <summary>Fails for good when the event says so; otherwise returns its number.</summary>
    public sealed class Fickle : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder f) => f.Id("fickle").OnEvent("replay/fickle").Retries(0);

        public override Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
            ctx.Event.Data["fail"]?.GetValue<bool>() == true
                ? throw new NonRetriableException($"run {ctx.Event.Data["n"]} fails")
                : Task.FromResult<object?>(ctx.Event.Data["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replay_takes_the_events_of_runs_in_a_status_within_from_and_to()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "replay", sdk => sdk.AddFunction<Fickle>());
        async Task<string> RunAsync(int n, bool fail)
        {
            var id = (await server.SendAsync(new { name = "replay/fickle", data = new { n, fail } }))[0];
            var runId = (await server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
            await server.WaitForRunAsync(runId);
            return id;
        }
        await RunAsync(1, fail: true);
        await RunAsync(2, fail: false);
        await Task.Delay(50);
        var cut = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await RunAsync(3, fail: true);

        async Task<List<int>> ReplayAsync(object request)
        {
            using var response = await server.Http.PostAsJsonAsync("/v1/functions/replay-fickle/replay", request);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
            var numbers = new List<int>();
            foreach (var run in body["runs"]!.AsArray())
            {
                var detail = await server.GetAsync($"/v1/runs/{run!.GetValue<string>()}");
                var eventId = detail["run"]!["eventId"]!.GetValue<string>();
                numbers.Add((await server.GetAsync($"/v1/events/{eventId}"))["event"]!["data"]!["n"]!.GetValue<int>());
            }
            numbers.Sort();
            return numbers;
        }

        Assert.Equal([1, 3], await ReplayAsync(new { from = "10m", status = "failed" }));
        Assert.Equal([1], await ReplayAsync(new { from = "10m", to = cut.ToString("O", CultureInfo.InvariantCulture), status = "failed" }));
        Assert.Equal([2], await ReplayAsync(new { from = "10m", to = cut.ToString("O", CultureInfo.InvariantCulture), status = "completed" }));
    }
}
