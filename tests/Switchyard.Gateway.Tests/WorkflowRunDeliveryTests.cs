using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Tests;

/// <summary>The webhook → function → gateway path end to end, on real processes: a signed GitHub <c>workflow_run</c>
/// delivery to <c>yard dev --gateway</c> runs an app's function, which requests a notification; the dev gateway's
/// console channel delivers it and the receipt <c>gateway/delivery.confirmed</c> comes back on the bus.</summary>
public sealed class WorkflowRunDeliveryTests
{
    private const string Secret = "wr-secret";

    [Fact]
    public async Task A_signed_workflow_run_delivery_ends_in_a_confirmed_console_delivery()
    {
        var dir = TempDir.Create();
        var config = Path.Combine(dir, "yard.toml");
        await File.WriteAllTextAsync(config, $"""
            [webhooks]
            github_secret = "{Secret}"
            """);
        await using var dev = await YardProcess.StartDevAsync(Path.Combine(dir, "data"), null, "--config", config, "--gateway", "--gateway-port", "0");
        await using var app = await TestApp.StartAsync(dev.Url, "ci", sdk => sdk.AddFunction<CiNotifier>());
        using var http = new HttpClient { BaseAddress = dev.Url };

        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "completed", workflow_run = new { name = "CI", conclusion = "failure" }, repository = new { full_name = "acme/api" } });
        var (status, _, text, _) = await Deliveries.PostAsync(http, "github", body,
            ("X-GitHub-Event", "workflow_run"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.True(status == HttpStatusCode.OK, text);

        // The receipt names the request's correlation id (the delivery id) and the channel's message id.
        var receipt = await Eventually.GetAsync(async () =>
        {
            var events = (await http.GetFromJsonAsync<JsonObject>("/v1/events?prefix=gateway/delivery.&count=100"))!["events"]!.AsArray();
            return events.FirstOrDefault(e => e!["data"]?["correlationId"]?.GetValue<string>() == delivery)?.AsObject();
        }, () => $"a receipt for {delivery}; yard dev said: {dev.Output}");
        Assert.Equal("gateway/delivery.confirmed", receipt["name"]!.GetValue<string>());
        Assert.Contains("acme/api: CI failure", dev.Output, StringComparison.Ordinal);
    }
}

/// <summary>Tells someone that a GitHub workflow run finished.</summary>
public sealed class CiNotifier : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("ci-notifier").OnEvent("github/workflow_run.completed");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var data = ctx.Event.Data;
        var summary = await ctx.Step.RunAsync("summarize", () =>
            $"{data["repository"]?["full_name"]}: {data["workflow_run"]?["name"]} {data["workflow_run"]?["conclusion"]}");
        return await ctx.Step.SendEventAsync("notify", new Event("gateway/notify.requested", new { kind = "alert", text = summary, correlationId = ctx.Event.Id }));
    }
}
