using System.Text.Json.Nodes;
using Switchyard.Client.Models;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>Each node handler end to end, and the pipeline settings not covered elsewhere (replace, a pipelines
/// directory).</summary>
public sealed class DagHandlerTests : IAsyncLifetime
{
    private DagHost _host = null!;

    public async Task InitializeAsync() => _host = await DagHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static DagNodeView Node(DagRunView view, string id) => view.Nodes.Single(n => n.Id == id);

    [Fact]
    public async Task An_http_node_returns_status_and_body_and_fails_on_an_unexpected_status()
    {
        var url = _host.Server.Url.ToString().TrimEnd('/');
        var view = await _host.RunAsync("""
            {"nodes":[
              {"id":"health","handler":"http","config":{"url":"@URL@/health"}},
              {"id":"missing","handler":"http","config":{"url":"@URL@/v1/runs/nope","expectStatus":200}}]}
            """.Replace("@URL@", url));
        Assert.Equal("Failed", view.Status);
        var health = Node(view, "health");
        Assert.Equal(200, health.Output!["status"]!.GetValue<int>());
        Assert.Equal("ok", health.Output["body"]!["status"]!.GetValue<string>());
        var missing = Node(view, "missing");
        Assert.Equal("failed", missing.State);
        Assert.Contains("HTTP 404", missing.Error);
        Assert.Contains("expected 200", missing.Error);
    }

    [Fact]
    public async Task An_event_node_sends_its_event_and_waits_for_the_matching_reply()
    {
        var submitted = await _host.Client.SubmitDagAsync(JsonNode.Parse("""
            {"nodes":[{"id":"ask","handler":"event","config":{"name":"t/ping","data":{"ticket":"T-7"},"waitFor":{"event":"t/pong","match":"data.ticket","timeout":"30s"}}},
                      {"id":"after","handler":"noop","dependsOn":["ask"],"config":{"output":"{{nodes.ask.output.reply.data.answer}}"}}]}
            """)!.AsObject());
        var ping = await Eventually.GetAsync(async () => (await _host.Server.EventsAsync("t/ping")).FirstOrDefault(), "the node to send t/ping");
        Assert.Equal("T-7", ping["data"]!["ticket"]!.GetValue<string>());
        // A reply for another ticket does not match; the right one does.
        await _host.Server.SendEventAsync("t/pong", new { ticket = "T-8", answer = "wrong" });
        await _host.Server.SendEventAsync("t/pong", new { ticket = "T-7", answer = "42" });
        var view = await _host.WaitAsync(submitted.RunId);
        Assert.True(view.Status == "Completed", view.Error + " " + System.Text.Json.JsonSerializer.Serialize(view.Nodes));
        Assert.Equal("42", Node(view, "after").Output!.GetValue<string>());
    }

    [Fact]
    public async Task An_event_node_whose_reply_does_not_come_fails_saying_it_timed_out()
    {
        var view = await _host.RunAsync("""
            {"nodes":[{"id":"ask","handler":"event","config":{"name":"t/ping2","waitFor":{"event":"t/never","timeout":"1s"}}}]}
            """);
        Assert.Equal("Failed", view.Status);
        Assert.Contains("timed out after 1s waiting for t/never", Node(view, "ask").Error);
    }

    [Fact]
    public async Task An_invoke_node_runs_a_registered_function_and_an_unknown_one_fails_the_node()
    {
        var view = await _host.RunAsync("""
            {"nodes":[
              {"id":"call","handler":"invoke","config":{"function":"switchyard-shell-host","data":{"dagRunId":"outside","node":"n","command":"echo invoked"}}},
              {"id":"ghost","handler":"invoke","dependsOn":["call"],"config":{"function":"nobody-home"}}]}
            """);
        Assert.Equal("Failed", view.Status);
        Assert.Equal(("completed", "invoked"), (Node(view, "call").State, Node(view, "call").Output!.GetValue<string>()));
        Assert.Contains("nobody-home", Node(view, "ghost").Error);
    }
}
