using System.Net;

namespace Switchyard.Server.Tests.Webhooks;

/// <summary>End to end: a signed GitHub delivery, a function of a real SDK app, the notification event it sends.</summary>
public sealed class WebhookWorkflowTests : IAsyncLifetime
{
    private const string Secret = "workflow-secret";
    private TestServer _server = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret);
        _app = await TestApp.StartAsync(_server, "hooks", sdk => sdk.AddFunction<WorkflowRunNotifier>());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_workflow_run_delivery_runs_a_function_that_requests_a_gateway_notification()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "completed", workflow_run = new { name = "CI", conclusion = "failure" }, repository = new { full_name = "acme/api" } });
        var (status, _, text, _) = await Deliveries.PostAsync(_server.Http, "github", body,
            ("X-GitHub-Event", "workflow_run"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.True(status == HttpStatusCode.OK, text);

        var runs = await _server.WaitForRunsOfEventAsync(delivery);
        var run = await _server.WaitForRunAsync(runs[0]!["id"]!.GetValue<string>());
        Assert.Equal("Completed", run["run"]!["status"]!.GetValue<string>());
        var notifyId = run["run"]!["output"]!["ids"]![0]!.GetValue<string>();
        var notify = (await _server.GetAsync($"/v1/events/{notifyId}"))["event"]!;
        Assert.Equal("gateway/notify.requested", notify["name"]!.GetValue<string>());
        Assert.Equal("acme/api: CI failure", notify["data"]!["text"]!.GetValue<string>());
        Assert.Equal(delivery, notify["data"]!["source"]!.GetValue<string>());
    }
}
