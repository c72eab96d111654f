using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests.Webhooks;

/// <summary>The original system's most common webhook path: a finished GitHub workflow run asks the gateway to tell
/// someone. Here the path stops at the request; Switchyard.Gateway.Tests.WorkflowRunDeliveryTests follows it through the
/// gateway to a confirmed delivery.</summary>
public sealed class WorkflowRunNotifier : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("workflow-run-notifier").OnEvent("github/workflow_run.completed");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        var data = ctx.Event.Data;
        var summary = await ctx.Step.RunAsync("summarize", () =>
            $"{data["repository"]?["full_name"]}: {data["workflow_run"]?["name"]} {data["workflow_run"]?["conclusion"]}");
        var ids = await ctx.Step.SendEventAsync("notify", new Event("gateway/notify.requested", new { channel = "ops", text = summary, source = ctx.Event.Id }));
        return new { ids };
    }
}
