using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Events;

/// <summary>An event as it travels on the wire: the Inngest event shape.</summary>
/// <param name="Name">Event name, e.g. <c>app/user.created</c>.</param>
/// <param name="Data">Event payload; always a JSON object.</param>
/// <param name="Id">Idempotency id; events with an id seen in the last 24 h are not stored twice.</param>
/// <param name="Ts">Timestamp in Unix milliseconds.</param>
/// <param name="User">Optional user object.</param>
/// <param name="V">Optional schema version.</param>
public sealed record EventPayload(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("data")] JsonObject Data,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("user")] JsonObject? User = null,
    [property: JsonPropertyName("v")] string? V = null);
