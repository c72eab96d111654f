using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Tests;

/// <summary>A user function reacting to inbound chat (flow 5): it answers every message in the chat it came from,
/// through flow 4.</summary>
public sealed class EchoFunction : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder function) => function.Id("echo").OnEvent("gateway/message.received");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
    {
        var data = context.Event.Data;
        await context.Step.SendEventAsync("reply", new Event("gateway/notify.requested", new
        {
            kind = "receipt",
            text = "echo: " + data["text"]?.GetValue<string>(),
            correlationId = "reply-" + context.Event.Id,
            replyTo = data["replyTo"],
        }));
        return null;
    }
}
