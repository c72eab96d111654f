using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace SwitchyardApp.Tests;

/// <summary>
/// Calls the function as the Switchyard server does: a POST to the app's endpoint with the event and the steps
/// stored so far. The app runs in-process; no server is needed.
/// </summary>
public sealed class GreetTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _app;

    public GreetTests(WebApplicationFactory<Program> app) =>
        // No server in a unit test: do not try to register with one.
        _app = app.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["Switchyard:SyncOnStart"] = "false" })));

    [Fact]
    public async Task Greet_runs_its_step_and_returns_the_greeting()
    {
        var evt = new JsonObject { ["name"] = "app/user.signed-up", ["data"] = new JsonObject { ["name"] = "Ada" }, ["id"] = "01EVT", ["ts"] = 0 };
        var call = new JsonObject
        {
            ["event"] = evt,
            ["events"] = new JsonArray(evt.DeepClone()),
            ["steps"] = new JsonObject(),
            ["ctx"] = new JsonObject { ["run_id"] = "01RUN", ["attempt"] = 0, ["stack"] = new JsonObject { ["stack"] = new JsonArray(), ["current"] = 0 } },
            ["version"] = 2,
        };
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/switchyard?fnId=switchyard-app-id-greet&stepId=step", call);

        // The step ran in this call and the function finished: the answer lists the step, then the run's result.
        var ops = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        var step = ops.Single(o => (string?)o!["op"] == "StepRun")!;
        Assert.Equal("compose", (string?)step["displayName"]);
        var result = ops.Single(o => (string?)o!["op"] == "RunComplete")!;
        Assert.Equal("Hello, Ada!", (string?)result["data"]!["message"]);
    }
}
