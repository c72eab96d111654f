using System.Text.Json.Nodes;

namespace Switchyard.Server.Webhooks;

/// <summary>An event a delivery becomes.</summary>
/// <param name="Name">Event name without the provider prefix, e.g. <c>workflow_run.completed</c>.</param>
/// <param name="Data">Event data.</param>
/// <param name="Id">The provider's delivery id, used as the event id so a redelivery is stored once; null lets the
/// server assign one.</param>
public sealed record WebhookEvent(string Name, JsonObject Data, string? Id)
{
    /// <summary>An event whose data is the payload: the payload object itself, or <c>{"payload": value}</c> when the
    /// payload is not an object.</summary>
    public static WebhookEvent FromPayload(string name, JsonNode payload, string? id) =>
        new(name, payload as JsonObject ?? new JsonObject { ["payload"] = payload.DeepClone() }, id);
}
